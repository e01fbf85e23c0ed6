package dev.consentgate.tools;

import dev.consentgate.audit.Checkpoint;
import dev.consentgate.audit.CheckpointVerifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the signed checkpoints of the audit chains against the chains read: each signature under the auditor's public
 * key, and each signed head against the hash the chain's record of that sequence carries. Fed the checkpoints once the
 * chains are read.
 */
final class CheckpointCheck {

    private final CheckpointVerifier verifier;
    private final ChainLinks chains;
    private final List<String> problems = new ArrayList<>();
    private long checkpoints;
    private long matched;

    CheckpointCheck(CheckpointVerifier verifier, ChainLinks chains) {
        this.verifier = verifier;
        this.chains = chains;
    }

    void checkpoint(int checkpointPartition, long checkpointOffset, byte[] value) {
        checkpoints++;
        String where = "checkpoint at partition " + checkpointPartition + " offset " + checkpointOffset;
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.decode(value);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return;
        }
        var signatureProblem = verifier.signatureProblem(checkpoint);
        if (signatureProblem.isPresent()) {
            problems.add(where + ": " + signatureProblem.get());
            return;
        }
        ChainLinks.Comparison comparison = chains.compare(checkpoint, where);
        switch (comparison.outcome()) {
            case MATCHES -> matched++;
            case DIFFERS -> problems.add(comparison.problem());
            case NOT_READ -> { }
        }
    }

    long checkpoints() {
        return checkpoints;
    }

    long matched() {
        return matched;
    }

    /** Problems in checkpoint order; the first of a partition is where its chain and its signed heads part. */
    List<String> problems() {
        return List.copyOf(problems);
    }
}
