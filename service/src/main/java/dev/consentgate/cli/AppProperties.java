package dev.consentgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import dev.consentgate.enforce.StreamsDefaults;

/**
 * The application's properties: the file, overridden by environment variables, over ConsentGate's
 * defaults for Kafka Streams.
 *
 * <p>An environment variable {@code CONSENTGATE_<NAME>} sets the property named by lower-casing
 * NAME and reading {@code _} as {@code .} and {@code __} as {@code _}: {@code CONSENTGATE_BOOTSTRAP_SERVERS}
 * sets {@code bootstrap.servers}, {@code CONSENTGATE_CONSENTGATE_HMAC_KEY} sets {@code consentgate.hmac.key}.
 */
public final class AppProperties {

    static final String ENV_PREFIX = "CONSENTGATE_";

    private AppProperties() {
    }

    static Map<String, Object> load(Path file, Map<String, String> environment) throws IOException {
        Properties fromFile = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(reader);
        }
        Map<String, Object> merged = new TreeMap<>(StreamsDefaults.defaults());
        fromFile.stringPropertyNames().forEach(name -> merged.put(name, fromFile.getProperty(name).trim()));
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                merged.put(propertyName(name.substring(ENV_PREFIX.length())), value);
            }
        });
        return merged;
    }

    static String propertyName(String environmentSuffix) {
        return environmentSuffix.toLowerCase(Locale.ROOT).replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    public static Properties toProperties(Map<String, Object> config) {
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }
}
