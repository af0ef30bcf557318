// Runs brain.js's NeuralNetwork for the tests: `node brainjs_bridge.js FOLDER` loads
// brain.js from FOLDER/node_modules, reads one JSON request on stdin and writes one JSON
// reply on stdout.
//
// Requests:
//   {"action": "run", "network": <toJSON object>, "inputs": [[...], ...]}
//       load the network with fromJSON and run it on every input
//   {"action": "train", "options": {...}, "data": [{"input", "output"}, ...],
//    "trainOpts": {...}, "inputs": [[...], ...], "seed": 1}
//       build `new NeuralNetwork(options)`, train it, then run it on every input; with a
//       seed, Math.random (brain.js's initial weights) repeats from run to run
//   {"action": "continue", "network": <toJSON object>, "data": [...], "trainOpts": {...},
//    "inputs": [[...], ...]}
//       load the network, train it further, then run it on every input
// Reply: {"outputs": [[...] or {name: value}, ...], "json": <the network's toJSON()>, "status": <train's result>}
'use strict';

const fs = require('fs');
const path = require('path');

const brain = require(path.join(path.resolve(process.argv[2]), 'node_modules', 'brain.js'));

function networkFor(request) {
  if (request.action === 'train') {
    return new brain.NeuralNetwork(request.options || {});
  }
  // JSON.parse(JSON.stringify(...)) is what a file round trip does; fromJSON gets a fresh object.
  return new brain.NeuralNetwork().fromJSON(JSON.parse(JSON.stringify(request.network)));
}

// mulberry32: a small seeded generator, so that brain.js's random initial weights repeat.
function seededRandom(seed) {
  let state = seed >>> 0;
  return function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const request = JSON.parse(fs.readFileSync(0, 'utf8'));
if (request.seed !== undefined) {
  Math.random = seededRandom(request.seed);
}
const net = networkFor(request);
let status = null;
if (request.action === 'train' || request.action === 'continue') {
  status = net.train(request.data, request.trainOpts || {});
}
// Named outputs (an output lookup) come as an object of name: value, kept as it is.
const asJSON = (output) => (ArrayBuffer.isView(output) || Array.isArray(output) ? Array.from(output) : output);
const outputs = (request.inputs || []).map((input) => asJSON(net.run(input)));
process.stdout.write(JSON.stringify({ outputs, json: net.toJSON(), status }));
