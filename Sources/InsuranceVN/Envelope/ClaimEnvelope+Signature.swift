extension ClaimEnvelope {
    /// The envelope's element that holds the facility's enveloped XML signature (W3C XMLDSig,
    /// exclusive C14N, RSA-SHA256, X.509 certificate in `KeyInfo`): `CHUKYDONVI`. The
    /// `XMLSignature` module signs and verifies it (docs/CLAIMS.md, "Signature").
    public static let signatureElement = "CHUKYDONVI"
}
