package dev.consentgate.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The properties file of ConfigMap consentgate-config as the pod sees it: the Secret's keys written as files to a
 * directory, which stands in for the Secret's mount, so Kafka's DirectoryConfigProvider reads them for real.
 */
final class DeployedConfiguration {

    static final String CONFIG_MOUNT = "/etc/consentgate/config";
    static final String SECRETS_MOUNT = "/etc/consentgate/secrets";

    private DeployedConfiguration() {
    }

    /** The file's properties as written, secrets still ${dir:...} references. */
    static Map<String, String> properties(RenderedManifests manifests) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(manifests.configMap("consentgate-config").getData().get("app.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> result = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> result.put(name, properties.getProperty(name)));
        return result;
    }

    /** The properties with the secrets' mount moved to {@code secretsDirectory}, which holds the Secret's keys. */
    static Map<String, String> mountedAt(RenderedManifests manifests, Path secretsDirectory) {
        writeSecret(manifests, secretsDirectory);
        Map<String, String> moved = new HashMap<>();
        properties(manifests).forEach((name, value) -> moved.put(name, value.replace(SECRETS_MOUNT, secretsDirectory.toString())));
        return moved;
    }

    /** The Secret's keys, from stringData or (base64) data: what the pod finds as files under its mount. */
    static Map<String, String> secretValues(RenderedManifests manifests) {
        var secret = manifests.secret("consentgate");
        Map<String, String> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> values.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    private static void writeSecret(RenderedManifests manifests, Path directory) {
        secretValues(manifests).forEach((key, value) -> {
            try {
                Files.writeString(directory.resolve(key), value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
