package dev.consentgate.serde;

import static dev.consentgate.serde.AvroSerdeConfig.KEYSTORE_LOCATION;
import static dev.consentgate.serde.AvroSerdeConfig.KEYSTORE_PASSWORD;
import static dev.consentgate.serde.AvroSerdeConfig.KEYSTORE_TYPE;
import static dev.consentgate.serde.AvroSerdeConfig.KEY_PASSWORD;
import static dev.consentgate.serde.AvroSerdeConfig.TRUSTSTORE_LOCATION;
import static dev.consentgate.serde.AvroSerdeConfig.TRUSTSTORE_PASSWORD;
import static dev.consentgate.serde.AvroSerdeConfig.TRUSTSTORE_TYPE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * The TLS context of the registry client, from Confluent's {@code schema.registry.ssl.*} keys: the trust store that
 * decides which registry certificates are accepted, and the key store a registry requiring client certificates is
 * shown. Errors name the key and the problem, never a password.
 */
final class RegistryTls {

    private RegistryTls() {
    }

    /** The context the settings describe, or the Java runtime's default when they name no store. */
    static SSLContext context(AvroSerdeConfig config) {
        String trustStore = config.getString(TRUSTSTORE_LOCATION);
        String keyStore = config.getString(KEYSTORE_LOCATION);
        try {
            if (trustStore == null && keyStore == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(config, keyStore), trustManagers(config, trustStore), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("The registry's TLS settings cannot be used: " + e.getClass().getSimpleName());
        }
    }

    private static TrustManager[] trustManagers(AvroSerdeConfig config, String location) throws GeneralSecurityException {
        if (location == null) {
            return null; // the runtime's default trust store
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(load(location, TRUSTSTORE_LOCATION, config.getString(TRUSTSTORE_TYPE), config.secret(TRUSTSTORE_PASSWORD)));
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(AvroSerdeConfig config, String location) throws GeneralSecurityException {
        if (location == null) {
            return null; // no client certificate
        }
        String storePassword = config.secret(KEYSTORE_PASSWORD);
        String keyPassword = config.secret(KEY_PASSWORD) != null ? config.secret(KEY_PASSWORD) : storePassword;
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        try {
            factory.init(load(location, KEYSTORE_LOCATION, config.getString(KEYSTORE_TYPE), storePassword), chars(keyPassword));
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Configuration \"" + KEY_PASSWORD + "\" (or \"" + KEYSTORE_PASSWORD
                    + "\") does not open the key in \"" + KEYSTORE_LOCATION + "\".");
        }
        return factory.getKeyManagers();
    }

    private static KeyStore load(String location, String key, String type, String password) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
            store.load(in, chars(password));
            return store;
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration \"" + key + "\" names a file that does not exist: " + location);
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as an IOException whose cause is an UnrecoverableKeyException.
            throw new ConfigException("Configuration \"" + key + "\": the " + type + " store " + location
                    + " cannot be read with the password given (" + e.getClass().getSimpleName() + ").");
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
