package dev.consentgate.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 keys of signed checkpoints: the private key as PKCS#8, the public key as X.509 SubjectPublicKeyInfo, each in
 * a PEM or DER file (what {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write). A key's id
 * is the first 8 bytes of SHA-256 of the public key's X.509 encoding. Errors never show key material.
 */
public final class CheckpointKeys {

    public static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private CheckpointKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
        }
    }

    /** A private key from a file's content; {@code source} names the file in the message of an IllegalArgumentException. */
    public static PrivateKey parsePrivate(byte[] content, String source) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(content, PRIVATE_PEM, source)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + " is not an Ed25519 private key in PKCS#8 (PEM or DER)");
        }
    }

    /** A public key from a file's content; {@code source} names the file in the message of an IllegalArgumentException. */
    public static PublicKey parsePublic(byte[] content, String source) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(content, PUBLIC_PEM, source)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + " is not an Ed25519 public key in X.509 SubjectPublicKeyInfo (PEM or DER)");
        }
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    public static String privatePem(PrivateKey key) {
        return pem(PRIVATE_PEM, key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem(PUBLIC_PEM, key.getEncoded());
    }

    public static byte[] keyId(PublicKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), Checkpoint.KEY_ID_SIZE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether the two keys make a pair: a test message signed with one verifies with the other. */
    public static boolean arePair(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "consentgate checkpoint key pair check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] der(byte[] content, String label, String source) {
        String text = new String(content, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        int start = text.indexOf(begin);
        if (start < 0) {
            return content;
        }
        int end = text.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            throw new IllegalArgumentException(source + " has no end line for its " + label);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " has no valid Base64 between its " + label + " lines");
        }
    }
}
