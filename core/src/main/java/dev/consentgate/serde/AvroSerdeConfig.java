package dev.consentgate.serde;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * The serde's and the registry client's settings, declared once and named exactly as Confluent's Avro serde names them,
 * so that one properties file configures either serde.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";

    static final String MOCK_URL_PREFIX = "mock://";
    static final String USER_INFO_SOURCE = "USER_INFO";
    /** Confluent's default source: credentials embedded in the URL, which this client refuses. */
    static final String URL_SOURCE = "URL";
    static final String STORE_TYPE_PKCS12 = "PKCS12";
    static final String STORE_TYPE_JKS = "JKS";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated base URLs of the schema registry (Confluent's REST API: Confluent Schema Registry, "
                            + "Apicurio's `/apis/ccompat/v7`, Karapace), tried in order on a connection failure or HTTP 5xx; or "
                            + "`mock://<scope>` alone, an in-memory registry shared in the JVM (tests, the demo). A URL may not "
                            + "carry credentials.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, URL_SOURCE,
                    ConfigDef.CaseInsensitiveValidString.in(URL_SOURCE, USER_INFO_SOURCE), Importance.MEDIUM,
                    "`USER_INFO` sends `" + BASIC_AUTH_USER_INFO + "` as HTTP basic authentication; `URL` (Confluent's default) "
                            + "sends none, since credentials in the URL are refused.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "`user:password` for HTTP basic authentication, with `" + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO` "
                            + "only. Never logged.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register a schema the registry does not know when writing (the purpose records' minimized schemas, the "
                            + "audit record's), or only look schemas up and fail a record whose schema is not registered.")
            .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, false, Importance.LOW,
                    "Read into the generated Avro classes instead of generic records. ConsentGate itself reads generic "
                            + "records; the auditor's tools set it.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                    "A trust store file for `https://` registry URLs: the registry's certificate must chain to one of its "
                            + "certificates. Unset, the Java runtime's own trust store applies. Host names are always verified.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                    "The trust store's password. Never logged.")
            .define(TRUSTSTORE_TYPE, Type.STRING, STORE_TYPE_PKCS12,
                    ConfigDef.CaseInsensitiveValidString.in(STORE_TYPE_PKCS12, STORE_TYPE_JKS), Importance.LOW,
                    "The trust store's format.")
            .define(KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                    "A key store file holding the client's key and certificate, for a registry that requires TLS client "
                            + "authentication. Unset, the client presents none.")
            .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                    "The key store's password. Never logged.")
            .define(KEYSTORE_TYPE, Type.STRING, STORE_TYPE_PKCS12,
                    ConfigDef.CaseInsensitiveValidString.in(STORE_TYPE_PKCS12, STORE_TYPE_JKS), Importance.LOW,
                    "The key store's format.")
            .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "The password of the key in the key store, when it differs from the key store's. Never logged.");

    public AvroSerdeConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    List<String> registryUrls() {
        return getList(SCHEMA_REGISTRY_URL);
    }

    boolean sendsUserInfo() {
        return getString(BASIC_AUTH_CREDENTIALS_SOURCE).equalsIgnoreCase(USER_INFO_SOURCE);
    }

    /** The {@code user:password} set, or null. */
    String userInfo() {
        Password userInfo = getPassword(BASIC_AUTH_USER_INFO);
        return userInfo == null ? null : userInfo.value();
    }

    boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    boolean specificAvroReader() {
        return getBoolean(SPECIFIC_AVRO_READER);
    }

    /** The password setting's value, or null when unset. */
    String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }
}
