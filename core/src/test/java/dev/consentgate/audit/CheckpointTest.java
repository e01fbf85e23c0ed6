package dev.consentgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class CheckpointTest {

    private static final byte[] HEAD = ChainHash.zeros();

    private final KeyPair keys = CheckpointKeys.generate();
    private final CheckpointSigner signer = new CheckpointSigner(keys.getPrivate(), keys.getPublic());

    @Test
    void aSignedCheckpointSurvivesEncodingAndVerifies() {
        HEAD[0] = 7;
        Checkpoint decoded = Checkpoint.decode(signer.sign(2, 99, HEAD, 1_700_000_000_000L).encode());

        assertThat(decoded.partition()).isEqualTo(2);
        assertThat(decoded.sequence()).isEqualTo(99);
        assertThat(decoded.headHash()).isEqualTo(HEAD);
        assertThat(decoded.time()).isEqualTo(1_700_000_000_000L);
        assertThat(decoded.keyId()).isEqualTo(CheckpointKeys.keyId(keys.getPublic()));
        assertThat(new CheckpointVerifier(keys.getPublic()).signatureProblem(decoded)).isEmpty();
    }

    @Test
    void aChangedHeadFailsTheSignature() {
        byte[] value = signer.sign(0, 9, HEAD, 1L).encode();
        value[4 + 1 + 4 + 8] ^= 1; // first byte of the head hash

        assertThat(new CheckpointVerifier(keys.getPublic()).signatureProblem(Checkpoint.decode(value)))
                .contains("the signature does not verify");
    }

    @Test
    void anotherKeyIsNamed() {
        KeyPair other = CheckpointKeys.generate();
        Checkpoint forged = new CheckpointSigner(other.getPrivate(), other.getPublic()).sign(0, 9, HEAD, 1L);

        assertThat(new CheckpointVerifier(keys.getPublic()).signatureProblem(forged))
                .contains("signed with key " + ChainHash.hex(CheckpointKeys.keyId(other.getPublic())) + ", not with key "
                        + ChainHash.hex(CheckpointKeys.keyId(keys.getPublic())));
    }

    @Test
    void keysRoundTripThroughPemAndDerAndMismatchedPairsAreRefused() {
        byte[] privatePem = CheckpointKeys.privatePem(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII);
        byte[] publicPem = CheckpointKeys.publicPem(keys.getPublic()).getBytes(StandardCharsets.US_ASCII);

        assertThat(CheckpointKeys.parsePrivate(privatePem, "k.pem").getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(CheckpointKeys.parsePublic(publicPem, "k.pub").getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(CheckpointKeys.parsePublic(keys.getPublic().getEncoded(), "k.der").getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThatThrownBy(() -> CheckpointKeys.parsePrivate(publicPem, "k.pub"))
                .hasMessage("k.pub is not an Ed25519 private key in PKCS#8 (PEM or DER)");
        assertThatThrownBy(() -> new CheckpointSigner(keys.getPrivate(), CheckpointKeys.generate().getPublic()))
                .hasMessage("the checkpoint signing key and public key are not a pair");
        assertThatThrownBy(() -> Checkpoint.decode(new byte[10])).hasMessage("not a version 1 checkpoint (10 bytes)");
    }
}
