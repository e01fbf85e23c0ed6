package dev.consentgate.cli;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyException;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.policy.PolicyProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code consentgate policy validate FILE}. */
@Command(name = "policy", description = "Work with policy files.", mixinStandardHelpOptions = true,
        subcommands = PolicyCommand.Validate.class)
final class PolicyCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a policy file. Exit 0 when valid; exit 2 with FILE:LINE: message lines on stderr when not.")
    static final class Validate implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The policy file (YAML).")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Policy policy = PolicyParser.parse(file);
                out.printf("%s: valid (version %s, %d purposes, %d inputs, mode %s, sha256 %s)%n", file, policy.version(),
                        policy.purposes().size(), policy.inputs().size(), policy.enforcementMode().name().toLowerCase(java.util.Locale.ROOT),
                        policy.contentHash());
                return ExitCodes.OK;
            } catch (PolicyException e) {
                for (PolicyProblem problem : e.problems()) {
                    err.println(problem.format(e.file()));
                }
                return ExitCodes.INVALID_INPUT;
            }
        }
    }
}
