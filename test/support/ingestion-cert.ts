/**
 * A certificate and key for the local Application Insights ingestion stand-in (`ingestion.ts`),
 * for tests only: self-signed, for 127.0.0.1, valid from 2024 to 2124 (an EC P-256 key). The
 * Azure Monitor exporter sends over https only (it turns an `http://` ingestion endpoint into
 * `https://`), so the stand-in speaks TLS, and Samråd under test trusts this certificate
 * (`TelemetryOptions.ca`, which replaces the system's certificate authorities for the export).
 */
export const STAND_IN_CERT = `-----BEGIN CERTIFICATE-----
MIIBajCCAQ+gAwIBAgIUd+NM1V7w3/4VPj0OcBrIqU8GfagwCgYIKoZIzj0EAwIw
KTEnMCUGA1UEAwweU2FtcmFkIHRlc3QgaW5nZXN0aW9uIHN0YW5kLWluMCAXDTI0
MDEwMTAwMDAwMFoYDzIxMjQwMTAxMDAwMDAwWjApMScwJQYDVQQDDB5TYW1yYWQg
dGVzdCBpbmdlc3Rpb24gc3RhbmQtaW4wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQ/d8RlkY8uTequEKyuKlTtAw2WwS8Dmch4Gra6zrsDI22OHNJBSvSG/1WkUfjL
NTwtA/wRJMrS+cMUXYuw+7EkoxMwETAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49
BAMCA0kAMEYCIQDzDqCzqz9Ggi7aOKblveAI4vLdiPtesOnQ5ddKVxwP1AIhAN1P
fYsLA7kalf+DJFy7UC9lqsUK6k1+VFPqGwsP3bxb
-----END CERTIFICATE-----
`;

/** The key of `STAND_IN_CERT`. Test-only: it protects nothing but a loopback server of the tests. */
export const STAND_IN_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxnWBoOUHqL1UuyCC
kHqU3db4cFLgo1yIeh7JmPxGbEihRANCAAQ/d8RlkY8uTequEKyuKlTtAw2WwS8D
mch4Gra6zrsDI22OHNJBSvSG/1WkUfjLNTwtA/wRJMrS+cMUXYuw+7Ek
-----END PRIVATE KEY-----
`;
