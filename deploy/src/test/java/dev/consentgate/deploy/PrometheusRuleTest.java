package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule object (Prometheus Operator) is made from the plain rules file, the one source of the rules: its
 * {@code spec} is that file, comments included, under a fixed header. {@code -Dconsentgate.deploy.write=true} rewrites it.
 */
class PrometheusRuleTest {

    private static final Path RULES = PromtoolRulesTest.PROMETHEUS.resolve("consentgate-rules.yaml");
    private static final Path PROMETHEUS_RULE = PromtoolRulesTest.PROMETHEUS.resolve("consentgate-prometheusrule.yaml");
    private static final String HEADER = """
            # Made from consentgate-rules.yaml by PrometheusRuleTest (-Dconsentgate.deploy.write=true): edit that file.
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata:
              name: consentgate
              labels:
                app.kubernetes.io/name: consentgate
                app.kubernetes.io/component: alerts
            spec:
            """;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The PrometheusRule for a rules file's text: the header, then every line of the file indented under spec. */
    static String prometheusRule(String rules) {
        return HEADER + rules.lines().map(line -> line.isEmpty() ? line : "  " + line).collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void thePrometheusRuleIsMadeFromTheRulesFile() throws Exception {
        String expected = prometheusRule(Files.readString(RULES));
        if (Boolean.getBoolean("consentgate.deploy.write")) {
            Files.writeString(PROMETHEUS_RULE, expected);
        }

        assertThat(Files.readString(PROMETHEUS_RULE))
                .as("%s is made from %s: run this test with -Dconsentgate.deploy.write=true", PROMETHEUS_RULE, RULES)
                .isEqualTo(expected);
    }

    @Test
    void itsSpecGroupsAreTheRulesFilesGroups() throws Exception {
        JsonNode rules = YAML.readTree(RULES.toFile());
        JsonNode object = YAML.readTree(PROMETHEUS_RULE.toFile());

        assertThat(object.get("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(object.get("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(object.get("spec").get("groups")).isEqualTo(rules.get("groups"));
        assertThat(rules.get("groups").findValues("alert")).hasSize(11);
    }
}
