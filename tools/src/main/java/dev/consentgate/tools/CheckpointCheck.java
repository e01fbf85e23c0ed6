package dev.consentgate.tools;

import dev.consentgate.audit.ChainHash;
import dev.consentgate.audit.Checkpoint;
import dev.consentgate.audit.CheckpointVerifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the signed checkpoints of the audit chains against the chains read: each signature under the auditor's public
 * key, and each signed head against the hash the chain's record of that sequence carries. Fed the chain first, then the
 * checkpoints.
 */
final class CheckpointCheck {

    /** Where a chain record stands and the hash it carries. */
    private record Link(long offset, byte[] hash) {
    }

    private final CheckpointVerifier verifier;
    private final Map<Integer, Map<Long, Link>> chains = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private long checkpoints;
    private long matched;

    CheckpointCheck(CheckpointVerifier verifier) {
        this.verifier = verifier;
    }

    void chainRecord(int partition, long offset, long sequence, byte[] value) {
        if (sequence >= 0 && ChainHash.isLinkable(value)) {
            chains.computeIfAbsent(partition, p -> new HashMap<>()).put(sequence, new Link(offset, ChainHash.storedHash(value)));
        }
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
        Map<Long, Link> chain = chains.get(checkpoint.partition());
        if (chain == null) {
            // A partition not read (--partition) or a range that leaves this sequence out: nothing to compare.
            return;
        }
        Link link = chain.get(checkpoint.sequence());
        if (link == null) {
            if (chain.keySet().stream().mapToLong(Long::longValue).max().orElse(-1) < checkpoint.sequence()) {
                problems.add(String.format("audit partition %d: the chain ends before sequence %d, which %s signs",
                        checkpoint.partition(), checkpoint.sequence(), where));
            }
            return;
        }
        if (!Arrays.equals(link.hash(), checkpoint.headHash())) {
            problems.add(String.format("audit partition %d offset %d: sequence %d has hash %s, the signed %s says %s",
                    checkpoint.partition(), link.offset(), checkpoint.sequence(), ChainHash.hex(link.hash()), where,
                    ChainHash.hex(checkpoint.headHash())));
            return;
        }
        matched++;
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
