package dev.consentgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.enforce.StreamsDefaults;
import dev.consentgate.serde.AvroSerdeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The key tables of docs/configuration.md are made from the declarations (ConsentGate's keys, the serde's and registry's
 * keys, the Kafka Streams settings ConsentGate changes), between {@code <!-- generated: NAME -->} and
 * {@code <!-- end generated -->}. This test fails when a table and its declaration differ;
 * {@code -Dconsentgate.docs.write=true} writes the tables instead.
 */
class ConfigurationDocsTest {

    private static final Path DOC = Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md");

    @Test
    void theKeyTablesAreTheDeclarations() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String generated = replace(replace(replace(doc, "consentgate-keys", table(ConsentGateConfig.DEFINITION)),
                "serde-keys", table(AvroSerdeConfig.DEFINITION)), "streams-defaults", streamsDefaults());
        if (Boolean.getBoolean("consentgate.docs.write")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertThat(doc).as("docs/configuration.md's tables; -Dconsentgate.docs.write=true rewrites them").isEqualTo(generated);
    }

    private static String replace(String doc, String name, String table) {
        Matcher section = Pattern.compile("(<!-- generated: " + name + " -->\n)(.*?)(<!-- end generated -->)", Pattern.DOTALL).matcher(doc);
        assertThat(section.find()).as("a generated section named %s in %s", name, DOC).isTrue();
        return doc.substring(0, section.start(2)) + table + doc.substring(section.end(2));
    }

    private static String table(ConfigDef definition) {
        StringBuilder table = new StringBuilder("| key | type | default | valid values | meaning |\n| --- | --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            table.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(defaultValue(key)).append(" | ").append(key.validator == null ? "" : key.validator.toString())
                    .append(" | ").append(key.documentation).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return "required";
        }
        if (key.defaultValue == null) {
            return "none";
        }
        Object value = key.defaultValue instanceof Class<?> type ? type.getName() : key.defaultValue;
        return "`" + value + "`";
    }

    private static String streamsDefaults() {
        StringBuilder table = new StringBuilder("| key | value | why |\n| --- | --- | --- |\n");
        for (StreamsDefaults.Setting setting : StreamsDefaults.SETTINGS) {
            table.append("| `").append(setting.key()).append("` | `").append(setting.value()).append("` | ").append(setting.why()).append(" |\n");
        }
        return table.toString();
    }
}
