package dev.consentgate.serde;

import static dev.consentgate.serde.AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE;
import static dev.consentgate.serde.AvroSerdeConfig.BASIC_AUTH_USER_INFO;
import static dev.consentgate.serde.AvroSerdeConfig.MOCK_URL_PREFIX;
import static dev.consentgate.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL;
import static dev.consentgate.serde.AvroSerdeConfig.USER_INFO_SOURCE;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Builds the registry client that Confluent-style serde configuration asks for. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * An {@link InMemorySchemaRegistry} for {@code mock://<scope>}, else an
     * {@link HttpSchemaRegistryClient} over the listed URLs.
     *
     * @throws ConfigException naming the key when a setting is missing or malformed
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        return fromConfig(configs, HttpSchemaRegistryClient.DEFAULT_TIMEOUT);
    }

    /** As {@link #fromConfig(Map)}, an HTTP client waiting up to {@code timeout} to connect and for each request. */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs, Duration timeout) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        List<String> urls = urls(config.registryUrls());
        if (urls.stream().anyMatch(url -> url.startsWith(MOCK_URL_PREFIX))) {
            return mockScope(urls);
        }
        List<URI> baseUrls = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            baseUrls.add(httpUrl(urls.get(i), i + 1));
        }
        return new HttpSchemaRegistryClient(baseUrls, basicAuthUserInfo(config), timeout, RegistryTls.context(config));
    }

    private static List<String> urls(List<String> entries) {
        List<String> urls = entries.stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new ConfigException("Configuration \"" + SCHEMA_REGISTRY_URL
                    + "\" must list at least one URL.");
        }
        return urls;
    }

    private static SchemaRegistryClient mockScope(List<String> urls) {
        String scope = urls.get(0).startsWith(MOCK_URL_PREFIX)
                ? urls.get(0).substring(MOCK_URL_PREFIX.length()) : "";
        if (urls.size() != 1 || scope.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, String.join(",", urls),
                    "a mock:// URL must be the only URL and name a scope, e.g. mock://my-test");
        }
        return InMemorySchemaRegistry.scope(scope);
    }

    /** Parses one URL; the value is never echoed because it might carry credentials. */
    private static URI httpUrl(String url, int position) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalidUrl(position, "is not a valid URI");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw invalidUrl(position, "is not an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalidUrl(position, "carries credentials; put them in " + BASIC_AUTH_USER_INFO
                    + " with " + BASIC_AUTH_CREDENTIALS_SOURCE + "=" + USER_INFO_SOURCE);
        }
        return uri;
    }

    private static ConfigException invalidUrl(int position, String problem) {
        return new ConfigException("Invalid value for configuration \"" + SCHEMA_REGISTRY_URL
                + "\": URL number " + position + " " + problem + ".");
    }

    /** The {@code user:password} to send, or null for no authentication. */
    private static String basicAuthUserInfo(AvroSerdeConfig config) {
        String userInfo = config.userInfo();
        if (!config.sendsUserInfo()) {
            // Confluent would silently ignore the user info here; refusing keeps both serdes
            // sending the same credentials for the same configuration.
            if (userInfo != null) {
                throw new ConfigException("Configuration \"" + BASIC_AUTH_USER_INFO
                        + "\" is set but is only used with " + BASIC_AUTH_CREDENTIALS_SOURCE + "="
                        + USER_INFO_SOURCE + ".");
            }
            return null;
        }
        String text = userInfo == null ? "" : userInfo;
        if (text.indexOf(':') < 1) {
            throw new ConfigException("Configuration \"" + BASIC_AUTH_USER_INFO
                    + "\" must be user:password when " + BASIC_AUTH_CREDENTIALS_SOURCE + "="
                    + USER_INFO_SOURCE + ".");
        }
        return text;
    }
}
