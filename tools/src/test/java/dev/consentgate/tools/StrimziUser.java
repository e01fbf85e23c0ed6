package dev.consentgate.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A Strimzi {@code KafkaUser} file ({@code authorization.type: simple}) read as Strimzi's user operator applies it: the
 * user is {@code User:<metadata.name>}, and each ACL rule becomes one allowing Kafka ACL per operation. Anything this
 * does not know (another kind, authorization type, resource type, pattern type or operation) fails, rather than being
 * skipped, so that a test granting these ACLs grants exactly what the file says.
 */
record StrimziUser(String name, List<AclBinding> acls) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static StrimziUser read(Path file) throws IOException {
        JsonNode user = YAML.readTree(file.toFile());
        require(user.path("kind").asText().equals("KafkaUser"), file, "kind is not KafkaUser");
        JsonNode authorization = user.path("spec").path("authorization");
        require(authorization.path("type").asText().equals("simple"), file, "spec.authorization.type is not simple");
        String name = user.path("metadata").path("name").asText();
        require(!name.isEmpty(), file, "metadata.name is missing");
        List<AclBinding> acls = new ArrayList<>();
        for (JsonNode rule : authorization.path("acls")) {
            JsonNode resource = rule.path("resource");
            ResourcePattern pattern = new ResourcePattern(resourceType(resource.path("type").asText(), file),
                    resource.path("type").asText().equals("cluster") ? "kafka-cluster" : resource.path("name").asText(),
                    patternType(resource.path("patternType").asText("literal"), file));
            String host = rule.path("host").asText("*");
            require(rule.path("operations").isArray() && !rule.path("operations").isEmpty(), file, "a rule without operations");
            for (JsonNode operation : rule.path("operations")) {
                acls.add(new AclBinding(pattern, new AccessControlEntry("User:" + name, host, operation(operation.asText(), file),
                        AclPermissionType.ALLOW)));
            }
        }
        require(!acls.isEmpty(), file, "no ACLs");
        return new StrimziUser(name, List.copyOf(acls));
    }

    private static ResourceType resourceType(String type, Path file) {
        return switch (type) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "cluster" -> ResourceType.CLUSTER;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            default -> throw new IllegalArgumentException(file + ": unknown resource type '" + type + "'");
        };
    }

    private static PatternType patternType(String type, Path file) {
        return switch (type) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException(file + ": unknown patternType '" + type + "'");
        };
    }

    /** Strimzi's operation names are Kafka's in camel case: {@code DescribeConfigs} is {@code DESCRIBE_CONFIGS}. */
    private static AclOperation operation(String name, Path file) {
        AclOperation operation = AclOperation.fromString(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
            throw new IllegalArgumentException(file + ": unknown operation '" + name + "'");
        }
        return operation;
    }

    private static void require(boolean condition, Path file, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(file + ": " + problem);
        }
    }
}
