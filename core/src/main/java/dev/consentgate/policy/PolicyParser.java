package dev.consentgate.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Reads and validates a policy file. A policy with any problem is refused as a whole, with every
 * problem listed at its line, so a reviewer fixes a file in one round instead of one error per start.
 * The shape of the file is documented in {@code docs/policy-reference.md}.
 */
public final class PolicyParser {

    private static final String DEFAULT_TOPIC_PREFIX = "crm.purpose.";

    private static final List<String> SECTIONS =
            List.of("version", "enforcement", "output_topic_prefix", "purposes", "jurisdictions", "signals", "inputs");
    private static final List<String> ENFORCEMENT_KEYS = List.of("mode");

    private PolicyParser() {
    }

    /** Reads and parses a policy file; a file that cannot be read is a problem at line 0. */
    public static Policy parse(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyException(file.toString(),
                    List.of(new PolicyProblem(0, "cannot read the policy file: " + e)));
        }
        return parse(file.toString(), content);
    }

    /**
     * Parses a policy from the bytes of its file.
     *
     * @param fileName names the file in problem messages
     * @throws PolicyException listing every problem found, in line order
     */
    public static Policy parse(String fileName, byte[] content) {
        ProblemCollector problems = new ProblemCollector();
        Optional<Policy> policy = compose(content, problems).flatMap(root -> read(root, content, problems));
        if (!problems.isEmpty()) {
            throw new PolicyException(fileName, problems.inLineOrder());
        }
        return policy.orElseThrow();
    }

    /** The node tree of the file: unlike SnakeYAML's Java objects, it keeps line numbers and repeated keys. */
    private static Optional<Node> compose(byte[] content, ProblemCollector problems) {
        try {
            Node root = new Yaml().compose(new UnicodeReader(new ByteArrayInputStream(content)));
            if (root == null) {
                problems.add(0, "the policy file is empty");
            }
            return Optional.ofNullable(root);
        } catch (MarkedYAMLException e) {
            problems.add(lineOf(e), "YAML syntax error: "
                    + (e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem());
        } catch (YAMLException e) {
            problems.add(0, "YAML error: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static int lineOf(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? 0 : mark.getLine() + 1;
    }

    /** The policy, or empty when anything was wrong; missing sections concern the whole file (line 0). */
    private static Optional<Policy> read(Node root, byte[] content, ProblemCollector problems) {
        Optional<YamlMap> sections = YamlMap.withKeys(root, 0, "the policy", SECTIONS, problems);
        if (sections.isEmpty()) {
            return Optional.empty();
        }
        YamlMap policy = sections.get();
        Optional<String> version = policy.requiredText("version");
        EnforcementMode mode = readEnforcementMode(policy, problems);
        String topicPrefix = policy.entry("output_topic_prefix")
                .flatMap(entry -> TopicNames.read(policy, entry, problems))
                .orElse(DEFAULT_TOPIC_PREFIX);
        PurposeRuleReader.Result purposes = policy.required("purposes")
                .map(entry -> PurposeRuleReader.read(entry, topicPrefix, problems))
                .orElse(new PurposeRuleReader.Result(Map.of(), Set.of()));
        Map<String, JurisdictionRule> jurisdictions = policy.entry("jurisdictions")
                .map(entry -> JurisdictionReader.read(entry, purposes.declared(), problems))
                .orElse(Map.of());
        Optional<SignalMapping> signals = policy.entry("signals")
                .flatMap(entry -> SignalMappingReader.read(entry, purposes.declared(), problems));
        List<InputMapping> inputs = policy.required("inputs")
                .map(entry -> InputMappingReader.read(entry, policy, purposes.declared(),
                        policy.entry("signals").isPresent(), problems))
                .orElse(List.of());
        rejectPurposeTopicsThatAreInputs(purposes.rules().values(), inputs, problems);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return version.map(v -> new Policy(v, sha256Hex(content), mode, purposes.rules(), jurisdictions, inputs, signals, content));
    }

    /** A purpose topic that is also an input would be read back as events: the purpose's records would be decided again. */
    private static void rejectPurposeTopicsThatAreInputs(Collection<PurposeRule> rules, List<InputMapping> inputs, ProblemCollector problems) {
        Set<String> inputTopics = inputs.stream().map(InputMapping::topic).collect(Collectors.toSet());
        for (PurposeRule rule : rules) {
            if (inputTopics.contains(rule.outputTopic())) {
                problems.add(rule.line(), "purpose " + rule.purpose() + " writes to " + rule.outputTopic()
                        + ", which is an input topic: each purpose needs a topic of its own, apart from the inputs");
            }
        }
    }

    private static EnforcementMode readEnforcementMode(YamlMap policy, ProblemCollector problems) {
        return policy.entry("enforcement")
                .flatMap(entry -> YamlMap.withKeys(entry.value(), entry.line(), "enforcement", ENFORCEMENT_KEYS, problems))
                .flatMap(enforcement -> enforcement.entry("mode"))
                .flatMap(mode -> YamlNodes.word(mode.value(), mode.line(), EnforcementMode.class, "enforcement mode", "", problems))
                .orElse(EnforcementMode.ENFORCE);
    }

    /** SHA-256 of the file's bytes, so a decision names the exact policy text that made it. */
    static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
