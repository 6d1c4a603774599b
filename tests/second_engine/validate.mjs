// Validate an N-Triples data file against Turtle shapes files with shacl-engine (SHACL Core + SHACL-SPARQL),
// and print {"conforms": bool, "violations": [{"focus": iri, "rule": rule id}]} as JSON.
// Usage: node validate.mjs SHAPES.ttl DATA.nt... (prints one JSON object keyed by data file)
import { readFileSync } from 'node:fs'
import rdfDataModel from '@rdfjs/data-model'
import rdfDataset from '@rdfjs/dataset'
import { Parser } from 'n3'
import Validator from 'shacl-engine/Validator.js'
import { validations } from 'shacl-engine/sparql.js'

const SH = 'http://www.w3.org/ns/shacl#'
const RULE_ID = 'https://comet.carbon/ext/iso14068/shapes#ruleId'

function load (files, format) {
  const dataset = rdfDataset.dataset()
  for (const file of files) {
    for (const quad of new Parser({ format, factory: rdfDataModel }).parse(readFileSync(file, 'utf8'))) {
      dataset.add(quad)
    }
  }
  return dataset
}

function ruleOf (shapes, shape) {
  for (const holder of [shape, ...[...shapes.match(null, rdfDataModel.namedNode(SH + 'property'), shape)].map(q => q.subject)]) {
    for (const quad of shapes.match(holder, rdfDataModel.namedNode(RULE_ID), null)) return quad.object.value
  }
  return null
}

const [shapesFile, ...dataFiles] = process.argv.slice(2)
const shapes = load([shapesFile], 'text/turtle')
const validator = new Validator(shapes, { factory: rdfDataModel, validations })
const output = {}
for (const dataFile of dataFiles) {
  const report = await validator.validate({ dataset: load([dataFile], 'application/n-triples') })
  const violations = []
  for (const result of report.results) {
    if (result.severity && result.severity.value !== SH + 'Violation') continue
    violations.push({ focus: result.focusNode.value, rule: ruleOf(shapes, result.shape?.ptr?.term ?? result.shape) })
  }
  output[dataFile] = { conforms: violations.length === 0, violations }
}
console.log(JSON.stringify(output))
