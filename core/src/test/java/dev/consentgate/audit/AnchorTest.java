package dev.consentgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorTest {

    private static final Instant CREATED = Instant.parse("2026-12-06T10:00:00Z");

    private final KeyPair keys = CheckpointKeys.generate();
    private final CheckpointSigner signer = new CheckpointSigner(keys.getPrivate(), keys.getPublic());
    private final Checkpoint first = signer.sign(0, 99, ChainHash.zeros(), 1_700_000_000_000L);
    private final Checkpoint second = signer.sign(1, 199, filled((byte) 0xab), 1_700_000_001_000L);
    private final byte[] previous = filled((byte) 0x11);

    @Test
    void anAnchorIsTextThatNamesEveryCheckpointAndEndsWithTheDigestOfItsLines() {
        byte[] encoded = new Anchor(CREATED, "consent.audit", "consent.audit.checkpoints", previous, List.of(first, second)).encode();

        String body = "consentgate-anchor 1\n"
                + "created 2026-12-06T10:00:00Z\n"
                + "audit-topic consent.audit\n"
                + "checkpoint-topic consent.audit.checkpoints\n"
                + "previous " + "11".repeat(32) + "\n"
                + "checkpoint " + HexFormat.of().formatHex(first.encode()) + "\n"
                + "checkpoint " + HexFormat.of().formatHex(second.encode()) + "\n";
        byte[] digest = Anchor.sha256(body.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(body + "end " + HexFormat.of().formatHex(digest) + "\n");
    }

    @Test
    void anAnchorSurvivesEncoding() {
        Anchor decoded = Anchor.decode(new Anchor(CREATED, "a", "c", previous, List.of(first, second)).encode());

        assertThat(decoded.created()).isEqualTo(CREATED);
        assertThat(decoded.auditTopic()).isEqualTo("a");
        assertThat(decoded.checkpointTopic()).isEqualTo("c");
        assertThat(decoded.previous()).isEqualTo(previous);
        assertThat(decoded.checkpoints()).hasSize(2);
        assertThat(decoded.checkpoints().get(1).encode()).isEqualTo(second.encode());
    }

    @Test
    void aChangedHeadShowsInTheEndDigest() {
        byte[] encoded = new Anchor(CREATED, "a", "c", previous, List.of(first)).encode();
        String text = new String(encoded, StandardCharsets.UTF_8);
        int head = text.indexOf("checkpoint ") + "checkpoint ".length() + 2 * (4 + 1 + 4 + 8);
        encoded[head] = (byte) (encoded[head] == '0' ? '1' : '0');

        assertThatThrownBy(() -> Anchor.decode(encoded)).hasMessage("line 7: the end digest does not match the lines before it");
    }

    @Test
    void aFileCutShortIsRefused() {
        byte[] encoded = new Anchor(CREATED, "a", "c", previous, List.of(first)).encode();

        assertThatThrownBy(() -> Anchor.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .hasMessage("does not end with a line break: cut short");
        assertThatThrownBy(() -> Anchor.decode("consentgate-anchor 2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("line 1 is not \"consentgate-anchor 1\"");
    }

    private static byte[] filled(byte value) {
        byte[] bytes = new byte[ChainHash.SIZE];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
