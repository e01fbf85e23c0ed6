package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.cli.ConsentGateCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The auditor's commands join the service's command line when this module is on the class path. */
class AuditorCommandsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ConsentGateCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void theAuditorsCommandsAndTheServicesHaveHelp() {
        for (String[] command : new String[][] {{"audit", "verify", "--help"}, {"decrypt", "--help"}, {"explain", "--help"},
                {"keys", "kek", "--help"}, {"replay", "--help"}, {"subject", "export", "--help"}, {"run", "--help"}}) {
            assertThat(run(command)).as(String.join(" ", command)).isZero();
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theTopUsageListsTheServicesCommandsThenTheAuditors() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString().lines().filter(line -> line.matches("  [a-z]+ .*")).map(line -> line.trim().split(" ")[0]))
                .containsExactly("run", "policy", "topics", "review", "audit", "decrypt", "explain", "keys", "replay", "subject");
    }
}
