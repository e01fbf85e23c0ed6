package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alert rules are valid and their unit tests ({@code prometheus/*-test.yaml}) pass under promtool. Without promtool
 * this test fails, saying how to install it: a rule that no test checked must not look green.
 */
class PromtoolRulesTest {

    static final Path PROMETHEUS = Path.of("prometheus");

    @Test
    void theRulesFileIsValid() throws Exception {
        Promtool.Result result = Promtool.run(PROMETHEUS, "check", "rules", "consentgate-rules.yaml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 13 rules found");
    }

    @Test
    void everyRuleUnitTestPasses() throws Exception {
        List<String> tests = ruleTests();
        assertThat(tests).containsExactly("consentgate-rules-test.yaml");

        Promtool.Result result = Promtool.run(PROMETHEUS, Stream.concat(Stream.of("test", "rules"), tests.stream()).toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("FAILED");
    }

    private static List<String> ruleTests() throws IOException {
        try (Stream<Path> files = Files.list(PROMETHEUS)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith("-test.yaml")).sorted().toList();
        }
    }
}
