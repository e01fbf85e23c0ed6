package dev.consentgate.serde;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Configuration keys, named exactly as Confluent's Avro serde names them. */
public final class AvroSerdeConfig {

    /** Comma-separated registry base URLs, tried in order; or a single {@code mock://<scope>}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code USER_INFO} to send {@link #BASIC_AUTH_USER_INFO} as HTTP basic auth. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Register unknown schemas on serialize (default true) or only look them up. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserialize into generated classes (true) or GenericRecords (default false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    static final String MOCK_URL_PREFIX = "mock://";
    static final String USER_INFO_SOURCE = "USER_INFO";
    /** Confluent's default source: credentials embedded in the URL, which this client refuses. */
    static final String URL_SOURCE = "URL";

    private AvroSerdeConfig() {
    }

    static boolean autoRegisterSchemas(Map<String, ?> configs) {
        return booleanValue(configs, AUTO_REGISTER_SCHEMAS, true);
    }

    static boolean specificAvroReader(Map<String, ?> configs) {
        return booleanValue(configs, SPECIFIC_AVRO_READER, false);
    }

    private static boolean booleanValue(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "must be true or false");
    }
}
