//! VC-JWT: credentials secured as a compact JWS (Open Badges 3.0, "JSON Web Token Proof Format";
//! VC Data Model 1.1, "JSON Web Token"). The JWT's payload carries the credential in its `vc` claim,
//! or is the credential itself; the JOSE header names the algorithm (`EdDSA`, `RS256`, `ES256`) and
//! the key, given whole (`jwk`) or by reference (`kid`). This module reads the token, turns a JWK
//! into a key and checks a signature; which checks a credential passes is decided in
//! [`crate::verify`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use serde_json::{Map, Value};

use crate::CredentialError;

/// Largest token accepted, in characters (the JSON bound of [`crate::verify::MAX_CREDENTIAL_BYTES`]
/// grows by a third in base64url).
pub const MAX_JWT_CHARS: usize = crate::verify::MAX_CREDENTIAL_BYTES / 3 * 4 + 4096;

fn jwt_error(msg: impl Into<String>) -> CredentialError {
    CredentialError::Jwt(msg.into())
}

/// A compact JWS, decoded but not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactJws {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The JWT claims set.
    pub payload: Map<String, Value>,
    /// What the signature covers: `BASE64URL(header) '.' BASE64URL(payload)`.
    pub signing_input: String,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

impl CompactJws {
    /// The `alg` of the header.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The credential the token carries: its `vc` claim when that is an object, else the payload
    /// itself (Open Badges 3.0 lets the payload be the credential).
    pub fn credential(&self) -> Map<String, Value> {
        match self.payload.get("vc") {
            Some(Value::Object(vc)) => vc.clone(),
            _ => self.payload.clone(),
        }
    }

    /// A claim read as a NumericDate (seconds since the epoch; a fraction is cut off).
    pub fn numeric_date(&self, claim: &str) -> Result<Option<i64>, CredentialError> {
        match self.payload.get(claim) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                // Truncation is what a NumericDate's seconds mean; the range check comes first.
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite() && f.abs() < 1e15)
                        .map(|f| f.trunc() as i64)
                })
                .map(Some)
                .ok_or_else(|| jwt_error(format!("claim {claim} is not a NumericDate: {n}"))),
            Some(other) => Err(jwt_error(format!(
                "claim {claim} must be a NumericDate (a number of seconds), not {other}"
            ))),
        }
    }
}

/// Whether `text` has the shape of a compact JWS: three base64url segments joined by dots (the
/// payload may not be empty: a detached payload carries no credential).
pub fn looks_like_compact_jws(text: &str) -> bool {
    let text = text.trim();
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn decode_segment(what: &str, segment: &str) -> Result<Vec<u8>, CredentialError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|e| jwt_error(format!("the {what} is not base64url: {e}")))
}

fn decode_object(what: &str, segment: &str) -> Result<Map<String, Value>, CredentialError> {
    let bytes = decode_segment(what, segment)?;
    if crate::verify::nesting_depth(&bytes) > crate::verify::MAX_DEPTH {
        return Err(jwt_error(format!("the {what} nests too deeply")));
    }
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(jwt_error(format!("the {what} is not a JSON object"))),
        Err(e) => Err(jwt_error(format!("the {what} is not JSON: {e}"))),
    }
}

/// Decodes a compact JWS (`header.payload.signature`), within the size bound.
pub fn parse_compact(text: &str) -> Result<CompactJws, CredentialError> {
    let text = text.trim();
    if text.len() > MAX_JWT_CHARS {
        return Err(jwt_error(format!(
            "the token is {} characters; at most {MAX_JWT_CHARS} are accepted",
            text.len()
        )));
    }
    let mut parts = text.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(jwt_error("a compact JWS has three parts separated by dots"));
    };
    let header = decode_object("JOSE header", h)?;
    let payload = decode_object("JWT payload", p)?;
    let signature = decode_segment("signature", s)?;
    Ok(CompactJws {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// A public key that can check a JWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtKey {
    /// Ed25519 (`OKP`, `EdDSA`).
    Ed25519(VerifyingKey),
    /// RSA (`RSA`, `RS256`): the modulus and public exponent, big-endian.
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
    /// ECDSA on P-256 (`EC`, `ES256`): the uncompressed point `04 ‖ x ‖ y`.
    P256(Vec<u8>),
}

impl JwtKey {
    /// The `alg` this key signs with.
    pub fn alg(&self) -> &'static str {
        match self {
            JwtKey::Ed25519(_) => "EdDSA",
            JwtKey::Rsa { .. } => "RS256",
            JwtKey::P256(_) => "ES256",
        }
    }
}

/// The public key of a JWK (`OKP`/`Ed25519`, `RSA`, `EC`/`P-256`). A JWK that also carries a
/// private part (`d`) is refused: a token must not publish its signer's secret.
pub fn key_from_jwk(jwk: &Map<String, Value>) -> Result<JwtKey, CredentialError> {
    let field = |k: &str| {
        jwk.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| jwt_error(format!("the JWK has no {k}")))
    };
    if jwk.contains_key("d") {
        return Err(jwt_error("the JWK holds a private key (d)"));
    }
    match field("kty")? {
        "OKP" => {
            let crv = field("crv")?;
            if crv != "Ed25519" {
                return Err(CredentialError::WrongKeyType(format!(
                    "OKP curve {crv} (only Ed25519 signs JWTs here)"
                )));
            }
            let x: [u8; 32] = decode_segment("JWK x", field("x")?)?
                .try_into()
                .map_err(|_| jwt_error("an Ed25519 JWK's x has 32 bytes"))?;
            VerifyingKey::from_bytes(&x)
                .map(JwtKey::Ed25519)
                .map_err(|e| jwt_error(format!("the JWK is not an Ed25519 point: {e}")))
        }
        "RSA" => {
            let n = decode_segment("JWK n", field("n")?)?;
            let e = decode_segment("JWK e", field("e")?)?;
            if n.len() < 256 {
                return Err(jwt_error(format!(
                    "an RSA key of {} bits is too short (at least 2048)",
                    n.len() * 8
                )));
            }
            Ok(JwtKey::Rsa { n, e })
        }
        "EC" => {
            let crv = field("crv")?;
            if crv != "P-256" {
                return Err(CredentialError::WrongKeyType(format!(
                    "EC curve {crv} (only P-256 signs JWTs here)"
                )));
            }
            let x = decode_segment("JWK x", field("x")?)?;
            let y = decode_segment("JWK y", field("y")?)?;
            if x.len() != 32 || y.len() != 32 {
                return Err(jwt_error("a P-256 JWK's x and y have 32 bytes each"));
            }
            let mut point = vec![0x04];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Ok(JwtKey::P256(point))
        }
        other => Err(CredentialError::WrongKeyType(format!(
            "JWK key type {other}"
        ))),
    }
}

/// The key of a `did:jwk` DID (or DID URL): the DID's method-specific id is the base64url JWK.
pub fn key_from_did_jwk(did: &str) -> Result<JwtKey, CredentialError> {
    let rest = did
        .strip_prefix("did:jwk:")
        .ok_or_else(|| jwt_error(format!("{did} is not a did:jwk DID")))?;
    let encoded = rest.split('#').next().unwrap_or_default();
    match serde_json::from_slice(&decode_segment("did:jwk", encoded)?) {
        Ok(Value::Object(jwk)) => key_from_jwk(&jwk),
        _ => Err(jwt_error(format!("{did}: its JWK is not a JSON object"))),
    }
}

/// Checks the token's signature with `key`; the header's `alg` must be the key's.
pub fn verify_signature(jws: &CompactJws, key: &JwtKey) -> Result<(), CredentialError> {
    let alg = jws.alg().unwrap_or("");
    if alg != key.alg() {
        return Err(jwt_error(format!(
            "the header's alg {alg:?} does not fit a {} key",
            key.alg()
        )));
    }
    let message = jws.signing_input.as_bytes();
    let bad = || CredentialError::BadSignature("the JWT's signature does not match".to_owned());
    match key {
        JwtKey::Ed25519(k) => {
            let signature = Signature::from_slice(&jws.signature).map_err(|_| bad())?;
            k.verify(message, &signature).map_err(|_| bad())
        }
        JwtKey::Rsa { n, e } => ring::signature::RsaPublicKeyComponents { n, e }
            .verify(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                message,
                &jws.signature,
            )
            .map_err(|_| bad()),
        JwtKey::P256(point) => ring::signature::UnparsedPublicKey::new(
            &ring::signature::ECDSA_P256_SHA256_FIXED,
            point,
        )
        .verify(message, &jws.signature)
        .map_err(|_| bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer as _, SigningKey};
    use serde_json::json;

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    }

    #[test]
    fn an_eddsa_token_round_trips_and_tampering_is_caught() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
        let header = json!({"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x}});
        let input = format!("{}.{}", b64(&header), b64(&json!({"vc": {"id": "urn:x"}})));
        let token = format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()).to_bytes())
        );
        assert!(looks_like_compact_jws(&format!("{token}\n")));
        let jws = parse_compact(&token).unwrap();
        assert_eq!(jws.credential()["id"], "urn:x");
        let k = key_from_jwk(jws.header["jwk"].as_object().unwrap()).unwrap();
        verify_signature(&jws, &k).unwrap();
        let mut other = jws.clone();
        other.signing_input.push('x');
        assert!(matches!(
            verify_signature(&other, &k),
            Err(CredentialError::BadSignature(_))
        ));
        // did:jwk carries the same key.
        let did = format!(
            "did:jwk:{}#0",
            b64(&json!({"kty": "OKP", "crv": "Ed25519", "x": x}))
        );
        assert_eq!(key_from_did_jwk(&did).unwrap(), k);
    }

    #[test]
    fn malformed_tokens_and_keys_are_refused() {
        assert!(!looks_like_compact_jws("{\"a\": 1}"));
        assert!(!looks_like_compact_jws("a.b"));
        assert!(parse_compact("a.b.c").is_err());
        assert!(parse_compact(&format!("{}.{}.", b64(&json!({})), b64(&json!([1])))).is_err());
        for jwk in [
            json!({"kty": "OKP", "crv": "X25519", "x": "AA"}),
            json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
            json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}),
            json!({"kty": "oct", "k": "AA"}),
        ] {
            assert!(key_from_jwk(jwk.as_object().unwrap()).is_err(), "{jwk}");
        }
    }
}
