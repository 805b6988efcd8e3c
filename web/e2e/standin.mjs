// While the server has no /v1/snapshot yet, the browser tests put a stand-in
// in front of it, made exactly as docs/snapshot-format.md says from the same
// register (`rifugio export`) and signed with a throw-away Ed25519 key. Once
// the server answers /v1/snapshot itself, this is not used.

import nacl from 'tweetnacl';

export function buildSnapshot(geojson, revision = 1) {
  const rows = geojson.features
    .filter((f) => f.geometry && !f.properties.retired)
    .map((f) => {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      return [p.id, Math.round(lon * 1e6), Math.round(lat * 1e6), p.name ?? '', p.address ?? '', p.municipality ?? '',
        p.capacity ?? null, p.status, p.step_free, p.kind, p.occupancy ?? null];
    });
  return JSON.stringify({
    format: 'rifugio-snapshot/1',
    revision,
    generated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    columns: ['id', 'lon_e6', 'lat_e6', 'name', 'address', 'municipality', 'capacity', 'status', 'step_free', 'kind', 'occupancy'],
    rows,
  });
}

/** Routes /v1/snapshot and /v1/snapshot/key on a Playwright context. */
/** With `tamper`, the body is changed after signing (the signature no longer fits). */
export async function installStandIn(context, body, revision = 1, tamper = null) {
  const kp = nacl.sign.keyPair();
  const bytes = Buffer.from(body, 'utf8');
  const sig = Buffer.from(nacl.sign.detached(bytes, kp.secretKey)).toString('base64');
  const key = Buffer.from(kp.publicKey).toString('base64');
  await context.route('**/v1/snapshot/key', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ algorithm: 'Ed25519', public_key: key }) }),
  );
  await context.route('**/v1/snapshot', (route) => {
    const etag = `"${revision}"`;
    if (route.request().headers()['if-none-match'] === etag) return route.fulfill({ status: 304, headers: { ETag: etag } });
    return route.fulfill({
      status: 200,
      headers: { 'Content-Type': 'application/json', ETag: etag, 'Cache-Control': 'no-cache', 'Rifugio-Signature': sig },
      body: tamper ? Buffer.from(tamper(body), 'utf8') : bytes,
    });
  });
}
