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
import java.util.regex.Pattern;
import dev.consentgate.enforce.StreamsDefaults;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The application's properties: the file, overridden by environment variables, over ConsentGate's
 * defaults for Kafka Streams.
 *
 * <p>An environment variable {@code CONSENTGATE_<NAME>} sets the property named by lower-casing
 * NAME and reading {@code _} as {@code .} and {@code __} as {@code _}: {@code CONSENTGATE_BOOTSTRAP_SERVERS}
 * sets {@code bootstrap.servers}, {@code CONSENTGATE_CONSENTGATE_HMAC_KEY} sets {@code consentgate.hmac.key}.
 *
 * <p>Values may name secrets held elsewhere through Kafka's config providers: with {@code config.providers=dir} and
 * {@code config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider},
 * {@code ${dir:/etc/consentgate/secrets:hmac-key}} is the content of that file (a Kubernetes secret volume). They are
 * replaced here, once, for every key, ConsentGate's and Kafka's alike: the properties handed on hold the values and
 * no {@code config.providers} settings, so that a client made from a subset of them (the auditor's consumers) sees
 * the same values as Kafka Streams.
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
        return resolveVariables(merged);
    }

    /**
     * The properties with every {@code ${provider:path:key}} variable of the configured providers replaced by Kafka's
     * config providers (as any Kafka client would), without the {@code config.providers} settings. A variable that does
     * not resolve (a missing file or key) is refused rather than used as it stands, say as an HMAC key; the message
     * names the key, never a value.
     */
    static Map<String, Object> resolveVariables(Map<String, Object> properties) {
        Object providers = properties.get(AbstractConfig.CONFIG_PROVIDERS_CONFIG);
        if (providers == null || providers.toString().isBlank()) {
            return properties;
        }
        Map<String, Object> resolved = new TreeMap<>(new AbstractConfig(new ConfigDef(), properties, false).originals());
        resolved.keySet().removeIf(name -> name.equals(AbstractConfig.CONFIG_PROVIDERS_CONFIG)
                || name.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG + "."));
        for (String alias : providers.toString().split(",")) {
            Pattern unresolved = Pattern.compile("\\$\\{" + Pattern.quote(alias.trim()) + ":[^}]*}");
            resolved.forEach((name, value) -> {
                if (value instanceof String text && unresolved.matcher(text).find()) {
                    throw new ConfigException(name + " names a value of config provider '" + alias.trim()
                            + "' that it does not have (a missing file or key?)");
                }
            });
        }
        return resolved;
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
