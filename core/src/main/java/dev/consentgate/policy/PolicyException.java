package dev.consentgate.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy file that cannot be used, with every problem found in it. */
public class PolicyException extends RuntimeException {

    private final String file;
    private final List<PolicyProblem> problems;

    public PolicyException(String file, List<PolicyProblem> problems) {
        super(problems.stream().map(p -> p.format(file)).collect(Collectors.joining("\n")));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
