package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found while reading a policy. Readers keep going after a problem so that one run
 * reports everything wrong with the file, not just the first mistake.
 */
final class ProblemCollector {

    private final List<PolicyProblem> problems = new ArrayList<>();

    void add(int line, String message) {
        problems.add(new PolicyProblem(line, message));
    }

    /** How many problems so far: a reader compares counts to know whether its own part was clean. */
    int count() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Sorted by line; problems on one line keep the order they were found in. */
    List<PolicyProblem> inLineOrder() {
        return problems.stream().sorted(Comparator.comparingInt(PolicyProblem::line)).toList();
    }
}
