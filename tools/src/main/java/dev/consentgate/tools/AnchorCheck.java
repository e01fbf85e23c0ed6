package dev.consentgate.tools;

import dev.consentgate.audit.Anchor;
import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.Checkpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the anchors kept outside Kafka against the chains read: that they follow one another unbroken
 * ({@code previous}), and that every chain read still passes through every head they hold. Someone who rewrites the
 * audit topic and the checkpoint topic, even with the signing key, cannot change what was anchored before.
 */
final class AnchorCheck {

    private final ChainLinks chains;
    private final List<String> problems = new ArrayList<>();
    private long anchors;
    private long heads;
    private long matched;

    AnchorCheck(ChainLinks chains) {
        this.chains = chains;
    }

    void check(List<AnchorStore.Stored> stored) {
        byte[] expectedPrevious = new byte[ChainHash.SIZE];
        for (AnchorStore.Stored file : stored) {
            anchors++;
            Anchor anchor;
            try {
                anchor = Anchor.decode(file.content());
            } catch (IllegalArgumentException e) {
                problems.add("anchor " + file.name() + ": " + e.getMessage());
                expectedPrevious = Anchor.sha256(file.content());
                continue;
            }
            if (!Arrays.equals(anchor.previous(), expectedPrevious)) {
                problems.add("anchor " + file.name() + ": its previous digest " + ChainHash.hex(anchor.previous()) + " is not "
                        + ChainHash.hex(expectedPrevious) + ", the digest of the anchor before it: an anchor was removed or replaced");
            }
            expectedPrevious = Anchor.sha256(file.content());
            for (Checkpoint head : anchor.checkpoints()) {
                heads++;
                ChainLinks.Comparison comparison = chains.compare(head, "checkpoint anchored in " + file.name());
                switch (comparison.outcome()) {
                    case MATCHES -> matched++;
                    case DIFFERS -> problems.add(comparison.problem());
                    case NOT_READ -> { }
                }
            }
        }
    }

    long anchors() {
        return anchors;
    }

    long heads() {
        return heads;
    }

    long matched() {
        return matched;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }
}
