package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.audit.Anchor;
import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.Checkpoint;
import dev.consentgate.audit.CheckpointKeys;
import dev.consentgate.audit.CheckpointSigner;
import dev.consentgate.cli.CommandFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anchors against a chain of ten records, and the directory that keeps them, as someone who can change files tries. */
class AnchorCheckTest {

    private static final KeyPair KEYS = CheckpointKeys.generate();
    private static final CheckpointSigner SIGNER = new CheckpointSigner(KEYS.getPrivate(), KEYS.getPublic());

    @TempDir
    Path dir;

    private final List<byte[]> chain = chain(10);

    @Test
    void anchorsTheChainPassesThroughHold() {
        AnchorCheck check = check(List.of(stored(1, anchor(zeros(), 4)), stored(2, anchor(Anchor.sha256(anchor(zeros(), 4)), 9))));

        assertThat(check.problems()).isEmpty();
        assertThat(check.anchors()).isEqualTo(2);
        assertThat(check.heads()).isEqualTo(2);
        assertThat(check.matched()).isEqualTo(2);
    }

    @Test
    void anAnchorRemovedFromTheMiddleIsNamedByTheOneAfterIt() {
        byte[] first = anchor(zeros(), 2);
        byte[] second = anchor(Anchor.sha256(first), 4);
        byte[] third = anchor(Anchor.sha256(second), 9);

        AnchorCheck check = check(List.of(stored(1, first), stored(3, third)));

        assertThat(check.problems()).containsExactly("anchor 00000003.cganchor: its previous digest " + ChainHash.hex(Anchor.sha256(second))
                + " is not " + ChainHash.hex(Anchor.sha256(first)) + ", the digest of the anchor before it: an anchor was removed or replaced");
    }

    @Test
    void anEditedAnchorIsRefusedByItsEndDigest() {
        byte[] edited = anchor(zeros(), 4);
        edited[edited.length - 80] ^= 1;

        AnchorCheck check = check(List.of(stored(1, edited)));

        assertThat(check.problems()).singleElement().asString()
                .startsWith("anchor 00000001.cganchor: line ").endsWith(": the end digest does not match the lines before it");
    }

    @Test
    void aChainCutBelowAnAnchoredHeadIsNamed() {
        AnchorCheck check = check(List.of(stored(1, anchor(zeros(), 9))), chain.subList(0, 8));

        assertThat(check.problems()).containsExactly(
                "audit partition 0: the chain ends before sequence 9, which checkpoint anchored in 00000001.cganchor signs");
    }

    @Test
    void theDirectoryAppendsNumberedReadOnlyFilesAndIgnoresOtherFiles() throws Exception {
        DirectoryAnchorStore store = new DirectoryAnchorStore(dir);
        Files.writeString(dir.resolve("README"), "not an anchor");

        assertThat(store.append(new byte[] {1})).isEqualTo("00000001.cganchor");
        assertThat(store.append(new byte[] {2})).isEqualTo("00000002.cganchor");

        assertThat(store.readAll()).extracting(AnchorStore.Stored::name).containsExactly("00000001.cganchor", "00000002.cganchor");
        assertThat(store.readAll().get(1).content()).containsExactly(2);
        // Read-only by its permissions (a process running as root may still write it; a write-once volume may not).
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("00000001.cganchor")))).isEqualTo("r--r--r--");
    }

    @Test
    void aMissingDirectoryIsRefusedNamingIt() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> new DirectoryAnchorStore(missing)).isInstanceOf(CommandFailure.class)
                .hasMessage("anchor directory " + missing + " does not exist or is not a directory");
    }

    private AnchorCheck check(List<AnchorStore.Stored> anchors) {
        return check(anchors, chain);
    }

    private static AnchorCheck check(List<AnchorStore.Stored> anchors, List<byte[]> chainRead) {
        ChainLinks links = new ChainLinks();
        links.partitionRead(0);
        for (int sequence = 0; sequence < chainRead.size(); sequence++) {
            links.add(0, sequence, sequence, chainRead.get(sequence));
        }
        AnchorCheck check = new AnchorCheck(links);
        check.check(anchors);
        return check;
    }

    private byte[] anchor(byte[] previous, int sequence) {
        Checkpoint head = SIGNER.sign(0, sequence, ChainHash.storedHash(chain.get(sequence)), 1_000L + sequence);
        return new Anchor(Instant.parse("2026-12-06T10:00:00Z"), "consent.audit", "consent.audit.checkpoints", previous, List.of(head)).encode();
    }

    private static AnchorStore.Stored stored(int number, byte[] content) {
        return new AnchorStore.Stored(String.format("%08d.cganchor", number), content);
    }

    private static byte[] zeros() {
        return new byte[ChainHash.SIZE];
    }

    /** Sealed wire-format values, each linked to the one before: only their last 64 bytes matter to the links. */
    private static List<byte[]> chain(int length) {
        List<byte[]> values = new ArrayList<>();
        byte[] previous = zeros();
        for (int i = 0; i < length; i++) {
            byte[] value = new byte[5 + 8 + 2 * ChainHash.SIZE];
            Arrays.fill(value, 5, 13, (byte) i);
            System.arraycopy(previous, 0, value, value.length - 2 * ChainHash.SIZE, ChainHash.SIZE);
            previous = ChainHash.seal(value);
            values.add(value);
        }
        return values;
    }
}
