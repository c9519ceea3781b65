'use strict';
// A throwaway CA and one leaf certificate for the Twilio hosts the proxy answers for.
// node-forge builds and signs the X.509 structures (Node 20 has no API to create certificates);
// the RSA keys come from node:crypto, which is native and fast (forge's pure-JS keygen is not).
const crypto = require('node:crypto');
const forge = require('node-forge');

function keyPair() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return { pem, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serial() {
  // Positive, 16 random bytes (leading 0x7f mask keeps the DER INTEGER positive).
  const bytes = crypto.randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function window(cert, days) {
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}

/**
 * @param {string[]} hostnames DNS names for the leaf's subjectAltName (e.g. serverless.twilio.com)
 * @returns {{ caPem: string, certPem: string, keyPem: string }}
 */
function makeCertificates(hostnames) {
  const ca = keyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  window(caCert, 2);
  const caName = [{ name: 'commonName', value: `deploy-standin throwaway CA ${process.pid}` }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const leaf = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = serial();
  window(cert, 2);
  cert.setSubject([{ name: 'commonName', value: hostnames[0] }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hostnames.map((value) => ({ type: 2, value })) },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: leaf.pem,
  };
}

module.exports = { makeCertificates };
