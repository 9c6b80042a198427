// Baseline for `guild bench credentials`: Digital Bazaar's JavaScript Data Integrity libraries
// (jsonld-signatures + @digitalbazaar/data-integrity with the eddsa-rdfc-2022 and eddsa-jcs-2022
// cryptosuites) verifying the same credential files, one after another on one thread.
//
//   node verify.mjs [--seconds S] [--warmup W] [--contexts DIR] FILE...
//
// Each file is verified from its bytes (JSON.parse, then jsigs.verify) over and over: first for
// W seconds of warm-up (JIT, caches), then for S seconds, counted. Every verification must
// succeed, or the script stops with exit status 1 and says why. It prints one JSON object:
// {"runtime", "packages", "results": [{"file", "cryptosuite", "verifications", "seconds",
// "cpu_seconds", "per_second"}]}.
//
// The document loader serves only the JSON-LD contexts bundled with Guild (the files listed in
// crates/credentials/contexts/SOURCE.md, read from disk and checked against their SHA-256 pins)
// and did:key documents (resolved locally); it refuses every other URL.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {createVerifyCryptosuite as jcsCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as rdfcCryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';

const {purposes: {AssertionProofPurpose}} = jsigs;
const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`verify.mjs: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {
    seconds: 3,
    warmup: 1,
    contexts: join(here, '..', '..', 'crates', 'credentials', 'contexts'),
    files: []
  };
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if(i + 1 >= argv.length) {
        fail(`${a} needs a value`);
      }
      return argv[++i];
    };
    if(a === '--seconds') {
      args.seconds = Number(value());
    } else if(a === '--warmup') {
      args.warmup = Number(value());
    } else if(a === '--contexts') {
      args.contexts = value();
    } else if(a.startsWith('--')) {
      fail(`unknown option ${a}`);
    } else {
      args.files.push(a);
    }
  }
  if(!(args.seconds > 0) || !(args.warmup >= 0)) {
    fail('--seconds must be > 0 and --warmup >= 0');
  }
  if(args.files.length === 0) {
    fail('usage: node verify.mjs [--seconds S] [--warmup W] ' +
      '[--contexts DIR] FILE...');
  }
  return args;
}

// The bundled contexts: every row of SOURCE.md's table names a file, the URL it is served at
// and its SHA-256.
function loadContexts(dir) {
  const table = readFileSync(join(dir, 'SOURCE.md'), 'utf8');
  const row = /^\|\s*`([^`]+)`[^|]*\|\s*(https?:\/\/\S+)\s*\|.*`([0-9a-f]{64})`\s*\|\s*$/;
  const contexts = new Map();
  for(const line of table.split('\n')) {
    const m = row.exec(line);
    if(!m) {
      continue;
    }
    const [, file, url, pin] = m;
    const bytes = readFileSync(join(dir, file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    if(sha !== pin) {
      fail(`${file}: SHA-256 ${sha} is not the pinned ${pin}`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  if(contexts.size === 0) {
    fail(`${dir}/SOURCE.md lists no contexts`);
  }
  return contexts;
}

function makeDocumentLoader(contexts) {
  const didKey = didKeyDriver();
  didKey.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
  return async url => {
    const document = contexts.get(url);
    if(document !== undefined) {
      return {contextUrl: null, documentUrl: url, document};
    }
    if(url.startsWith('did:key:')) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: await didKey.get({url})
      };
    }
    throw new Error(`refused to load ${url}: not a bundled context or did:key`);
  };
}

function suiteFor(name) {
  switch(name) {
    case 'eddsa-rdfc-2022':
      return new DataIntegrityProof({cryptosuite: rdfcCryptosuite});
    case 'eddsa-jcs-2022':
      return new DataIntegrityProof({cryptosuite: jcsCryptosuite()});
    default:
      fail(`unsupported cryptosuite ${JSON.stringify(name)}`);
  }
}

async function verifyOnce(text, suite, documentLoader, file) {
  const credential = JSON.parse(text);
  const result = await jsigs.verify(credential, {
    suite,
    purpose: new AssertionProofPurpose(),
    documentLoader
  });
  if(!result.verified) {
    const errors = (result.results || [])
      .filter(r => !r.verified)
      .map(r => r.error?.message ?? String(r.error));
    if(result.error) {
      const e = result.error;
      errors.push(...(e.errors || [e]).map(x => x.message ?? String(x)));
    }
    fail(`${file}: verification failed: ` +
      `${[...new Set(errors)].join('; ') || 'no reason'}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const documentLoader = makeDocumentLoader(loadContexts(args.contexts));
  const results = [];
  for(const file of args.files) {
    const text = readFileSync(file, 'utf8');
    const proof = JSON.parse(text).proof;
    const proofs = Array.isArray(proof) ? proof : [proof];
    const names = [...new Set(proofs.map(p => p?.cryptosuite))];
    if(names.length !== 1) {
      fail(`${file}: expected proofs of one cryptosuite, found ` +
        JSON.stringify(names));
    }
    const cryptosuite = names[0];
    const suite = suiteFor(cryptosuite);
    // Warm-up: at least one verification, then until the warm-up time is spent.
    const warmupEnd = performance.now() + args.warmup * 1000;
    do {
      await verifyOnce(text, suite, documentLoader, file);
    } while(performance.now() < warmupEnd);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const end = started + args.seconds * 1000;
    let n = 0;
    let now = started;
    while(now < end) {
      await verifyOnce(text, suite, documentLoader, file);
      n++;
      now = performance.now();
    }
    const used = process.cpuUsage(cpu);
    const seconds = (now - started) / 1000;
    results.push({
      file: resolve(file),
      cryptosuite,
      verifications: n,
      seconds,
      cpu_seconds: (used.user + used.system) / 1e6,
      per_second: n / seconds
    });
  }
  const packages = {};
  for(const name of [
    '@digitalbazaar/data-integrity',
    '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
    '@digitalbazaar/eddsa-jcs-2022-cryptosuite',
    '@digitalbazaar/ed25519-multikey',
    '@digitalbazaar/did-method-key',
    'jsonld-signatures',
    'jsonld',
    'rdf-canonize'
  ]) {
    try {
      const p = JSON.parse(readFileSync(
        join(here, 'node_modules', name, 'package.json'), 'utf8'));
      packages[name] = p.version;
    } catch {
      packages[name] = null;
    }
  }
  process.stdout.write(JSON.stringify(
    {runtime: `node ${process.version}`, packages, results}, null, 2) + '\n');
}

main().catch(e => fail(e?.stack ?? String(e)));
