// tools/mermaid/check.mjs FILE...: parse each file with Mermaid's own parser
// (mermaid, under node with jsdom for the DOM it expects) and print, per
// file, "FILE: <diagram type> <entities> entities <relationships>
// relationships" for an erDiagram, then one line per relationship as the
// parser read it ("  <entity> <cardinality>-<type>-<cardinality> <entity> :
// <label>", entities by their displayed name), or "FILE: error <message>".  Exits 1 if
// any file does not parse.  The modules are those installed from
// package-lock.json into the directory RI_AUDIT_MERMAID_DIR (tools/
// mermaid.sh).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const dir = process.env.RI_AUDIT_MERMAID_DIR;
if (!dir) {
	console.error('RI_AUDIT_MERMAID_DIR is not set');
	process.exit(2);
}
const require = createRequire(dir + '/package.json');
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { JSDOM } = await load('jsdom');

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await load('mermaid');
mermaid.initialize({ startOnLoad: false });

// Mermaid keeps entity codes (#quot;, #35;) encoded in what it parsed, with
// markers of its own: decode them to show the text a reader sees.
const named = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };
const decode = (t) => String(t)
	.replace(/\uFB02\u00B0\u00B0(\d+)\u00B6\u00DF/g, (_, n) => String.fromCodePoint(Number(n)))
	.replace(/\uFB02\u00B0(\w+)\u00B6\u00DF/g, (m, w) => named[w] ?? m);

let failed = 0;
for (const file of process.argv.slice(2)) {
	const text = readFileSync(file, 'utf8');
	try {
		await mermaid.parse(text);
		const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
		const type = diagram.type;
		let counts = '';
		if (type === 'er') {
			const entities = diagram.db.getEntities();
			const n = entities instanceof Map ? entities.size : Object.keys(entities).length;
			const rels = diagram.db.getRelationships();
			counts = ` ${n} entities ${rels.length} relationships`;
			const name = new Map();
			for (const e of entities.values())
				name.set(e.id, decode(e.alias || e.label));
			for (const r of rels)
				counts += `\n  ${name.get(r.entityA)} ${r.relSpec.cardB}-${r.relSpec.relType}-${r.relSpec.cardA} ${name.get(r.entityB)} : ${decode(r.roleA)}`;
		}
		console.log(`${file}: ${type}${counts}`);
	} catch (e) {
		failed++;
		console.log(`${file}: error ${String(e.message).split('\n').join(' ')}`);
	}
}
process.exit(failed ? 1 : 0);
