'use strict';
// The official Node.js OSS SDK (`ali-oss` on npm), unmodified, against an OSS endpoint: put,
// get, head, meta, delete, list (v1 and v2, paged, with delimiters), copy, append,
// multipartUpload, deleteMulti (quiet and verbose), signatureUrl / signatureUrlV4 fetched by
// plain HTTP, buckets (put, list, location, ACL, info, delete, copy across), and the error cases, each with V1 and V4 signatures
// (`authorizationV4`) and keys holding '/', spaces, '+', '%' and non-ASCII.
// Run by tests/functional/node/test_node_oss.py, which starts the emulator and passes:
//   OSS_ENDPOINT (http://127.0.0.1:port)  OSS_REGION  OSS_BUCKET  OSS_ACCESS_KEY_ID
//   OSS_ACCESS_KEY_SECRET  OSS_CNAME (a host the emulator's CNAME map sends to OSS_BUCKET)
//   STS_ACCESS_KEY_ID STS_ACCESS_KEY_SECRET STS_SECURITY_TOKEN  (a role with AliyunOSSReadOnlyAccess)
// Addressing: with an IP endpoint ali-oss sends `/key` and `Host: <bucket>.oss-<region>.aliyuncs.com`
// (the emulator reads the bucket from that Host). signatureUrl refuses an IP endpoint, so the
// signed URLs come from a client of `http://localhost:port` (URL host `<bucket>.localhost`) and
// of the CNAME host (`cname: true`); an agent resolves those names to 127.0.0.1.
// The last line printed is the summary.
const crypto = require('node:crypto');
const http = require('node:http');
const { Readable } = require('node:stream');
const OSS = require('ali-oss');
const { Harness, env } = require('./harness');

const h = new Harness('ali-oss');
const ENDPOINT = new URL(env('OSS_ENDPOINT'));
const REGION = `oss-${env('OSS_REGION')}`;
const BUCKET = env('OSS_BUCKET');
const CNAME = env('OSS_CNAME');
const KEY_ID = env('OSS_ACCESS_KEY_ID');
const SECRET = env('OSS_ACCESS_KEY_SECRET');
const KEYS = ['dir/sub/a.txt', 'with space.txt', 'plus+sign', 'per%cent', '中文/键.bin', 'a/b/c'];
// A query parameter given as `undefined` is sent (`marker=`) but left out of ali-oss's V4
// canonical query, so paging passes only the parameters it has (as the service requires too).
const UTF8_ORDER = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// The emulator's error table (the service's codes, messages and EC codes).
const NO_SUCH_KEY = { code: 'NoSuchKey', status: 404, ec: '0026-00000001', message: /^The specified key does not exist\.$/ };
const NO_SUCH_BUCKET = { code: 'NoSuchBucket', status: 404, ec: '0015-00000101', message: /^The specified bucket does not exist\.$/ };
const NO_SUCH_UPLOAD = { code: 'NoSuchUpload', status: 404, ec: '0042-00000002', message: /^The specified upload does not exist\. The upload ID may be invalid, or the upload may have been aborted or completed\.$/ };
const BUCKET_NOT_EMPTY = { code: 'BucketNotEmpty', status: 409, ec: '0015-00000301', message: /^The bucket has objects\. Please delete them first\.$/ };
const POSITION = { code: 'PositionNotEqualToLength', status: 409, ec: '0026-00000016', message: /^Position is not equal to file length$/ };
const NOT_APPENDABLE = { code: 'ObjectNotAppendable', status: 409, ec: '0026-00000015', message: /^The object is not appendable$/ };
const PRECONDITION = { code: 'PreconditionFailed', status: 412, ec: '0017-00001001', message: /^At least one of the pre-conditions you specified did not hold\. \(condition: If-Match\)$/ };
const BAD_DIGEST = { code: 'InvalidDigest', status: 400, ec: '0017-00000503', message: /^The Content-MD5 you specified did not match what we received\.$/ };
const INVALID_KEY_ID = { code: 'InvalidAccessKeyId', status: 403, ec: '0002-00000902', message: /^The OSS Access Key Id you provided does not exist in our records\.$/ };
const SIGNATURE = { code: 'SignatureDoesNotMatch', status: 403, message: /^The request signature we calculated does not match the signature you provided\./ };
const ACCESS_DENIED_RAM = { code: 'AccessDenied', status: 403, ec: '0003-00000905', message: /^You are not authorized to do this action\. You should be authorized by RAM\.$/ };
const INVALID_TOKEN = { code: 'InvalidSecurityToken', status: 403, ec: '0002-00000004', message: /^The security token you provided is invalid\.$/ };
const NOT_SUPPORTED = { code: 'OperationNotSupported', status: 400, ec: '0016-00000702', message: /^The operation is not supported for this resource$/ };
// HEAD answers carry no body: ali-oss reports a 404 as NoSuchKey "Object not exists".
const HEAD_404 = { code: 'NoSuchKey', status: 404, message: /^Object not exists$/ };

/** An agent that connects every host name to the emulator's loopback address. */
const loopback = new http.Agent({
  keepAlive: true,
  lookup: (hostname, options, callback) => (options && options.all
    ? callback(null, [{ address: ENDPOINT.hostname, family: 4 }])
    : callback(null, ENDPOINT.hostname, 4)),
});

function client(v4, extra = {}) {
  return new OSS({
    region: REGION, endpoint: ENDPOINT.origin, accessKeyId: KEY_ID, accessKeySecret: SECRET,
    bucket: BUCKET, authorizationV4: v4, retryMax: 0, timeout: 10000, ...extra,
  });
}

/** GET or PUT a URL with plain HTTP (no SDK), resolving every host to the emulator. */
function fetchUrl(url, method = 'GET', body = null) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: loopback }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorCode(body) {
  const match = /<Code>([^<]*)<\/Code>/.exec(body.toString('utf8'));
  return match ? match[1] : null;
}

async function objects(oss, tag) {
  for (const key of KEYS) {
    const put = await oss.put(key, Buffer.from(`${tag}:${key}`), { meta: { k: 'v' } });
    h.eq(`${tag} put ${key}`, [put.res.status, put.name], [200, key]);
  }
  for (const key of KEYS) {
    const got = await oss.get(key);
    h.eq(`${tag} get ${key}`, got.content.toString('utf8'), `${tag}:${key}`);
    const head = await oss.head(key);
    const md5 = crypto.createHash('md5').update(`${tag}:${key}`).digest('hex').toUpperCase();
    h.eq(`${tag} head ${key}`, [head.status, head.meta, head.res.headers.etag,
      head.res.headers['x-oss-object-type']], [200, { k: 'v' }, `"${md5}"`, 'Normal']);
  }
  const meta = await oss.getObjectMeta('plus+sign');
  h.eq(`${tag} getObjectMeta`, [meta.status, meta.res.headers['content-length']],
    [200, String(`${tag}:plus+sign`.length)]);
  const etag = (await oss.head('per%cent')).res.headers.etag;
  const unchanged = await oss.head('per%cent', { headers: { 'If-None-Match': etag } });
  h.eq(`${tag} head If-None-Match`, unchanged.status, 304);
  const notModified = await oss.get('per%cent', { headers: { 'If-None-Match': etag } });
  h.eq(`${tag} get If-None-Match`, [notModified.res.status, notModified.content.length], [304, 0]);
  const ranged = await oss.get('per%cent', { headers: { Range: 'bytes=0-2' } });
  h.eq(`${tag} ranged get`, [ranged.res.status, ranged.content.toString()], [206, `${tag}:`]);
  const deleted = await oss.delete('a/b/c');
  h.eq(`${tag} delete`, deleted.res.status, 204);
  await h.rejects(`${tag} get deleted`, oss.get('a/b/c'), NO_SUCH_KEY);
  await h.rejects(`${tag} head deleted`, oss.head('a/b/c'), HEAD_404);
  h.eq(`${tag} delete missing is 204`, (await oss.delete('a/b/c')).res.status, 204);
}

async function listings(oss, tag) {
  const keys = KEYS.filter((k) => k !== 'a/b/c').sort(UTF8_ORDER);
  const v1 = [];
  let marker;
  for (;;) {
    const page = await oss.list({ 'max-keys': 2, ...(marker ? { marker } : {}) });
    v1.push(...page.objects.map((o) => o.name));
    if (!page.isTruncated) break;
    marker = page.nextMarker;
  }
  h.eq(`${tag} list v1 paged`, v1, keys);
  const v2 = [];
  let token;
  for (;;) {
    const page = await oss.listV2({ 'max-keys': 2, ...(token ? { 'continuation-token': token } : {}) });
    h.eq(`${tag} listV2 page size`, page.keyCount, page.objects.length);
    v2.push(...page.objects.map((o) => o.name));
    if (!page.isTruncated) break;
    token = page.nextContinuationToken;
  }
  h.eq(`${tag} listV2 paged`, v2, keys);
  const top = await oss.list({ delimiter: '/' });
  h.eq(`${tag} list v1 delimiter`, [top.objects.map((o) => o.name), top.prefixes],
    [['per%cent', 'plus+sign', 'with space.txt'], ['dir/', '中文/']]);
  const nested = await oss.listV2({ prefix: 'dir/', delimiter: '/', 'start-after': 'dir/' });
  h.eq(`${tag} listV2 prefix+delimiter`, [nested.objects, nested.prefixes], [[], ['dir/sub/']]);
  const after = await oss.listV2({ 'start-after': 'plus+sign' });
  h.eq(`${tag} listV2 start-after`, after.objects.map((o) => o.name), ['with space.txt', '中文/键.bin']);
  const owner = (await oss.list({ prefix: 'dir/' })).objects[0];
  h.eq(`${tag} list entry`, [owner.name, owner.size, owner.type, /\.000Z$/.test(owner.lastModified)],
    ['dir/sub/a.txt', `${tag}:dir/sub/a.txt`.length, 'Normal', true]);
}

async function copyAndAppend(oss, tag) {
  const copied = await oss.copy('copy of/中文 +%', 'with space.txt');
  h.eq(`${tag} copy status`, copied.res.status, 200);
  h.eq(`${tag} copy content`, (await oss.get('copy of/中文 +%')).content.toString(), `${tag}:with space.txt`);
  const replaced = await oss.copy('copy meta', 'with space.txt', { meta: { n: '1' } });
  h.eq(`${tag} copy replaces meta`, [replaced.res.status, (await oss.head('copy meta')).meta], [200, { n: '1' }]);
  await h.rejects(`${tag} copy missing source`, oss.copy('x', 'no such source'), NO_SUCH_KEY);
  const first = await oss.append('log/app end', Buffer.from('abc'));
  h.eq(`${tag} append first`, first.nextAppendPosition, '3');
  const second = await oss.append('log/app end', Buffer.from('de'), { position: first.nextAppendPosition });
  h.eq(`${tag} append second`, second.nextAppendPosition, '5');
  await h.rejects(`${tag} append wrong position`, oss.append('log/app end', Buffer.from('x'), { position: 1 }), POSITION);
  await h.rejects(`${tag} append to normal`, oss.append('plus+sign', Buffer.from('x'), { position: 0 }), NOT_APPENDABLE);
  const appended = await oss.head('log/app end');
  h.eq(`${tag} appended object`, [appended.res.headers['x-oss-object-type'], appended.res.headers['content-length']],
    ['Appendable', '5']);
}

async function multipart(oss, tag) {
  const data = crypto.randomBytes(250 * 1024);
  const parts = [];
  const done = await oss.multipartUpload(`big/${tag} 中文+%.bin`, data, {
    partSize: 100 * 1024, parallel: 2, progress: (p) => { parts.push(p); },
  });
  h.eq(`${tag} multipartUpload status`, done.res.status, 200);
  h.eq(`${tag} multipartUpload progress`, parts[parts.length - 1], 1);
  const got = await oss.get(`big/${tag} 中文+%.bin`);
  h.eq(`${tag} multipartUpload content`, got.content.equals(data), true);
  h.eq(`${tag} multipart etag and type`, [/-3"$/.test(got.res.headers.etag), got.res.headers['x-oss-object-type']],
    [true, 'Multipart']);
  const init = await oss.initMultipartUpload('manual parts');
  const one = await oss.uploadPart('manual parts', init.uploadId, 1, data, 0, 100 * 1024);
  const two = await oss.uploadPart('manual parts', init.uploadId, 2, data, 100 * 1024, 110 * 1024);
  const listed = await oss.listParts('manual parts', init.uploadId);
  h.eq(`${tag} listParts`, listed.parts.map((p) => [Number(p.PartNumber), Number(p.Size)]), [[1, 102400], [2, 10240]]);
  const complete = await oss.completeMultipartUpload('manual parts', init.uploadId, [
    { number: 1, etag: one.etag }, { number: 2, etag: two.etag }]);
  h.eq(`${tag} completeMultipartUpload`, complete.res.status, 200);
  h.eq(`${tag} completed content`, (await oss.get('manual parts')).content.equals(data.subarray(0, 110 * 1024)), true);
  await h.rejects(`${tag} abort completed upload`, oss.abortMultipartUpload('manual parts', init.uploadId), NO_SUCH_UPLOAD);
}

async function extras(oss, tag) {
  const body = Buffer.from('streamed '.repeat(1000));
  const put = await oss.putStream('stream/中文 +%', Readable.from([body.subarray(0, 4000), body.subarray(4000)]));
  h.eq(`${tag} putStream (chunked)`, put.res.status, 200);
  const got = await oss.getStream('stream/中文 +%');
  const chunks = [];
  for await (const chunk of got.stream) chunks.push(chunk);
  h.eq(`${tag} getStream`, Buffer.concat(chunks).equals(body), true);
  const source = 'extra/source +%é';
  const big = crypto.randomBytes(250 * 1024);
  await oss.put(source, big);
  const copied = await oss.multipartUploadCopy('extra/copy 中文', { sourceKey: source, sourceBucketName: BUCKET },
    { partSize: 100 * 1024, parallel: 2 });
  const copy = await oss.get('extra/copy 中文');
  h.eq(`${tag} multipartUploadCopy`, [copied.res.status, copy.content.equals(big), /-3"$/.test(copy.res.headers.etag)],
    [200, true, true]);
  await oss.putSymlink('extra/link 中文+%', source);
  h.eq(`${tag} getSymlink`, (await oss.getSymlink('extra/link 中文+%')).targetName, source);
  h.eq(`${tag} get through symlink`, (await oss.get('extra/link 中文+%')).content.equals(big), true);
  const anonymousUrl = `http://${BUCKET}.localhost:${ENDPOINT.port}/${encodeURIComponent(source)}`;
  const before = await fetchUrl(anonymousUrl);
  h.eq(`${tag} anonymous read of a private object`, [before.status, errorCode(before.body)], [403, 'AccessDenied']);
  await oss.putACL(source, 'public-read');
  h.eq(`${tag} getACL`, (await oss.getACL(source)).acl, 'public-read');
  const after = await fetchUrl(anonymousUrl);
  h.eq(`${tag} anonymous read of a public-read object`, [after.status, after.body.equals(big)], [200, true]);
  await oss.putObjectTagging(source, { project: 'a b+c', 'x:y': 'p/q=r' });
  h.eq(`${tag} getObjectTagging`, (await oss.getObjectTagging(source)).tag, { project: 'a b+c', 'x:y': 'p/q=r' });
  await h.rejects(`${tag} restore a Standard object`, oss.restore(source), NOT_SUPPORTED);
}

async function deleteMulti(oss, tag) {
  const names = ['dm/one', 'dm/two words', 'dm/中文+%'];
  for (const name of names) await oss.put(name, Buffer.from('x'));
  const verbose = await oss.deleteMulti([names[0], names[1], 'dm/missing']);
  h.eq(`${tag} deleteMulti verbose`, verbose.deleted.map((d) => d.Key).sort(),
    [names[0], 'dm/missing', names[1]].sort());
  const quiet = await oss.deleteMulti([names[2]], { quiet: true });
  h.eq(`${tag} deleteMulti quiet`, [quiet.res.status, quiet.deleted], [200, []]);
  h.eq(`${tag} deleteMulti removed`, (await oss.list({ prefix: 'dm/' })).objects, []);
}

async function signedUrls(v4, tag) {
  const local = client(v4, { endpoint: `http://localhost:${ENDPOINT.port}`, agent: loopback });
  const cname = client(v4, { endpoint: `http://${CNAME}:${ENDPOINT.port}`, cname: true, agent: loopback });
  const key = '中文/键.bin';
  const urls = v4
    ? [await local.signatureUrlV4('GET', 60, {}, key), await cname.signatureUrlV4('GET', 60, {}, key)]
    : [local.signatureUrl(key, { expires: 60 }), cname.signatureUrl(key, { expires: 60 })];
  h.eq(`${tag} signed URL hosts`, urls.map((u) => new URL(u).hostname), [`${BUCKET}.localhost`, CNAME]);
  for (const url of urls) {
    const got = await fetchUrl(url);
    h.eq(`${tag} signed GET ${new URL(url).hostname}`, [got.status, got.body.toString()], [200, `${tag}:${key}`]);
  }
  const putUrl = v4
    ? await local.signatureUrlV4('PUT', 60, {}, 'signed/put +%')
    : local.signatureUrl('signed/put +%', { method: 'PUT', expires: 60 });
  const put = await fetchUrl(putUrl, 'PUT', Buffer.from('via url'));
  h.eq(`${tag} signed PUT`, put.status, 200);
  h.eq(`${tag} signed PUT content`, (await local.get('signed/put +%')).content.toString(), 'via url');
  const override = { 'content-type': 'text/x-test', 'content-disposition': 'attachment; filename="a b.txt"' };
  const overrideUrl = v4
    ? await local.signatureUrlV4('GET', 60, { queries: { 'response-content-type': override['content-type'],
      'response-content-disposition': override['content-disposition'] } }, key)
    : local.signatureUrl(key, { expires: 60, response: override });
  const overridden = await new Promise((resolve, reject) => {
    http.get(overrideUrl, { agent: loopback }, (res) => { res.resume(); resolve(res); }).on('error', reject);
  });
  h.eq(`${tag} signed URL with response-* overrides`, [overridden.statusCode,
    overridden.headers['content-type'], overridden.headers['content-disposition']],
  [200, override['content-type'], override['content-disposition']]);
  if (!v4) {
    const expired = await fetchUrl(local.signatureUrl(key, { expires: -60 }));
    h.eq(`${tag} expired signed URL`, [expired.status, errorCode(expired.body)], [403, 'AccessDenied']);
  }
  const tampered = await fetchUrl(urls[0].replace('%E9%94%AE', '%E9%94%AF'));
  h.eq(`${tag} tampered signed URL`, [tampered.status, errorCode(tampered.body)], [403, 'SignatureDoesNotMatch']);
  const through = await cname.put('via cname', Buffer.from('c'));
  h.eq(`${tag} cname client put`, [through.res.status, (await local.get('via cname')).content.toString()], [200, 'c']);
}

async function errors(oss, v4, tag) {
  await h.rejects(`${tag} NoSuchBucket`, client(v4, { bucket: 'no-such-bucket' }).get('k'), NO_SUCH_BUCKET);
  await h.rejects(`${tag} NoSuchBucket info`, oss.getBucketInfo('no-such-bucket'), NO_SUCH_BUCKET);
  await h.rejects(`${tag} BucketNotEmpty`, oss.deleteBucket(BUCKET), BUCKET_NOT_EMPTY);
  await h.rejects(`${tag} If-Match`, oss.get('plus+sign', { headers: { 'If-Match': '"0"' } }), PRECONDITION);
  await h.rejects(`${tag} bad Content-MD5`, oss.put('md5', Buffer.from('body'),
    { headers: { 'Content-MD5': crypto.createHash('md5').update('other').digest('base64') } }), BAD_DIGEST);
  await h.rejects(`${tag} unknown key id`, client(v4, { accessKeyId: 'LTAI-unknown' }).get('plus+sign'), INVALID_KEY_ID);
  await h.rejects(`${tag} wrong secret`, client(v4, { accessKeySecret: 'wrong' }).get('plus+sign'), SIGNATURE);
  await h.rejects(`${tag} abort unknown upload`, oss.abortMultipartUpload('k', '0123456789ABCDEF0123456789ABCDEF'), NO_SUCH_UPLOAD);
  const info = await oss.getBucketInfo(BUCKET);
  h.eq(`${tag} getBucketInfo`, [info.bucket.Name, info.bucket.Location, info.bucket.AccessControlList.Grant],
    [BUCKET, REGION, 'private']);
}

async function buckets(v4, tag) {
  const local = client(v4, { endpoint: `http://localhost:${ENDPOINT.port}`, agent: loopback });
  const name = `${tag}-second-bucket`;
  h.eq(`${tag} putBucket`, (await client(v4).putBucket(name)).res.status, 200);
  const listed = await local.listBuckets({ prefix: `${tag}-` });
  h.eq(`${tag} listBuckets`, listed.buckets.map((b) => [b.name, b.region]), [[name, REGION]]);
  h.eq(`${tag} getBucketLocation`, (await client(v4).getBucketLocation(name)).location, REGION);
  await client(v4).putBucketACL(name, 'public-read');
  h.eq(`${tag} getBucketACL`, (await client(v4).getBucketACL(name)).acl, 'public-read');
  const second = client(v4, { bucket: name });
  const copied = await second.copy('from other/中文', 'plus+sign', BUCKET);
  h.eq(`${tag} copy across buckets`, [copied.res.status, (await second.get('from other/中文')).content.toString()],
    [200, `${tag}:plus+sign`]);
  await h.rejects(`${tag} delete non-empty bucket`, second.deleteBucket(name), BUCKET_NOT_EMPTY);
  await second.delete('from other/中文');
  h.eq(`${tag} deleteBucket`, (await second.deleteBucket(name)).res.status, 204);
  await h.rejects(`${tag} deleted bucket`, second.get('k'), NO_SUCH_BUCKET);
}

async function sts(v4, tag) {
  const reader = client(v4, { accessKeyId: env('STS_ACCESS_KEY_ID'), accessKeySecret: env('STS_ACCESS_KEY_SECRET'),
    stsToken: env('STS_SECURITY_TOKEN') });
  h.eq(`${tag} STS read`, (await reader.get('plus+sign')).content.toString(), `${tag}:plus+sign`);
  h.eq(`${tag} STS list`, (await reader.listV2({ prefix: 'plus' })).objects.map((o) => o.name), ['plus+sign']);
  await h.rejects(`${tag} STS write denied`, reader.put('sts/denied', Buffer.from('x')), ACCESS_DENIED_RAM);
  await h.rejects(`${tag} STS delete denied`, reader.delete('plus+sign'), ACCESS_DENIED_RAM);
  const forged = client(v4, { accessKeyId: env('STS_ACCESS_KEY_ID'), accessKeySecret: env('STS_ACCESS_KEY_SECRET'),
    stsToken: `${env('STS_SECURITY_TOKEN')}x` });
  await h.rejects(`${tag} STS forged token`, forged.get('plus+sign'), INVALID_TOKEN);
}

async function cleanup(oss) {
  const names = [];
  let token;
  do {
    const page = await oss.listV2({ 'max-keys': 1000, ...(token ? { 'continuation-token': token } : {}) });
    names.push(...page.objects.map((o) => o.name));
    token = page.isTruncated ? page.nextContinuationToken : undefined;
  } while (token);
  if (names.length) await oss.deleteMulti(names, { quiet: true });
  h.eq('bucket emptied', (await oss.listV2({})).objects, []);
}

async function main() {
  for (const [tag, v4] of [['v1', false], ['v4', true]]) {
    const oss = client(v4);
    await h.step(`${tag} objects`, () => objects(oss, tag));
    await h.step(`${tag} listings`, () => listings(oss, tag));
    await h.step(`${tag} copy and append`, () => copyAndAppend(oss, tag));
    await h.step(`${tag} multipart`, () => multipart(oss, tag));
    await h.step(`${tag} streams, symlinks, ACL, tagging`, () => extras(oss, tag));
    await h.step(`${tag} deleteMulti`, () => deleteMulti(oss, tag));
    await h.step(`${tag} signed URLs`, () => signedUrls(v4, tag));
    await h.step(`${tag} errors`, () => errors(oss, v4, tag));
    await h.step(`${tag} buckets`, () => buckets(v4, tag));
    await h.step(`${tag} STS credentials`, () => sts(v4, tag));
    await h.step(`${tag} cleanup`, () => cleanup(oss));
  }
  loopback.destroy();
  h.finish();
}

main();
