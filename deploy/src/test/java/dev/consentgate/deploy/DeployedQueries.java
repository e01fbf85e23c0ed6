package dev.consentgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL expressions of the alert rules and of the Grafana dashboard, and the series the rules record. */
final class DeployedQueries {

    static final Path RULES = Path.of("prometheus", "consentgate-rules.yaml");
    static final Path DASHBOARD = Path.of("grafana", "consentgate-dashboard.json");

    // A Grafana variable's query for the values of one label of one metric.
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)");

    private DeployedQueries() {
    }

    /** Every rule's expression. */
    static List<String> rules() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).findValues("expr").stream().map(JsonNode::asText).toList();
    }

    /** The series the recording rules make: Prometheus writes them, the service does not. */
    static Set<String> recorded() throws IOException {
        Set<String> names = new TreeSet<>();
        new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).findValues("record").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Every panel target's expression and every variable's query, a label_values(m, l) query read as {@code m{l!=""}}. */
    static List<String> dashboard() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("targets").forEach(targets -> targets.forEach(t -> expressions.add(t.get("expr").asText())));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher matcher = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
                if (!matcher.matches()) {
                    throw new IllegalArgumentException("variable " + variable.path("name").asText() + ": not a label_values(metric, label) query");
                }
                expressions.add(matcher.group(1) + "{" + matcher.group(2) + "!=\"\"}");
            }
        }
        return expressions;
    }
}
