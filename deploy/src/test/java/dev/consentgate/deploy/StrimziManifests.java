package dev.consentgate.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The KafkaTopics and KafkaUsers of deploy/strimzi, loaded into Strimzi's own typed model ({@code io.strimzi:api}, Jackson
 * 2). Strimzi's classes keep unknown fields in an any-setter map, as the operator would ignore them; here they fail, so a
 * misspelt field cannot pass.
 */
record StrimziManifests(List<KafkaTopic> topics, List<KafkaUser> users) {

    static final String API_VERSION = "kafka.strimzi.io/v1beta2";

    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .setAnnotationIntrospector(new NoAnySetters())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    static StrimziManifests load(Path directory) {
        List<Path> files = DeployFiles.yamlFiles(directory);
        return new StrimziManifests(
                files.stream().filter(file -> kind(file).equals("KafkaTopic")).map(file -> read(file, KafkaTopic.class)).toList(),
                files.stream().filter(file -> kind(file).equals("KafkaUser")).map(file -> read(file, KafkaUser.class)).toList());
    }

    static <T> T parse(String yaml, Class<T> type) {
        try {
            return STRICT.readValue(yaml, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KafkaUser user(String name) {
        return users.stream().filter(user -> user.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no KafkaUser " + name));
    }

    private static String kind(Path file) {
        try {
            JsonNode tree = STRICT.readTree(file.toFile());
            if (!API_VERSION.equals(tree.path("apiVersion").asText())) {
                throw new IllegalStateException(file + " is not " + API_VERSION);
            }
            return tree.path("kind").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(Path file, Class<T> type) {
        return parse(DeployFiles.read(file), type);
    }

    private static final class NoAnySetters extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return null;
        }
    }
}
