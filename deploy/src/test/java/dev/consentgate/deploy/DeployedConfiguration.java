package dev.consentgate.deploy;

import dev.consentgate.client.KeysetKek;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A properties file of the deployment as its pod sees it: that of ConfigMap consentgate-config (the service's, in the
 * StatefulSet) or consentgate-auditor-config (the auditor's tools', in the CronJob). The keys of the Secret the pod
 * mounts are written as files to a directory, which stands in for the Secret's mount, so Kafka's
 * DirectoryConfigProvider reads them for real: only the keys the pod's secret volume projects, so a reference to a key
 * the pod does not get fails as it would in the pod.
 */
enum DeployedConfiguration {

    SERVICE("consentgate-config", "app.properties"),
    AUDITOR("consentgate-auditor-config", "auditor.properties");

    static final String CONFIG_MOUNT = "/etc/consentgate/config";
    static final String SECRETS_MOUNT = "/etc/consentgate/secrets";
    static final String AUDIT_VERIFY = "consentgate-audit-verify";

    private final String configMap;
    private final String file;

    DeployedConfiguration(String configMap, String file) {
        this.configMap = configMap;
        this.file = file;
    }

    String configMap() {
        return configMap;
    }

    /** Where the pod finds the file. */
    String path() {
        return CONFIG_MOUNT + "/" + file;
    }

    /** The file's properties as written, secrets still ${dir:...} references. */
    Map<String, String> properties(RenderedManifests manifests) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(manifests.configMap(configMap).getData().get(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> result = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> result.put(name, properties.getProperty(name)));
        return result;
    }

    /**
     * The properties with the secrets' mount moved to {@code secretsDirectory}, which holds the Secret's keys that the
     * pod's secret volume projects.
     */
    Map<String, String> mountedAt(RenderedManifests manifests, Path secretsDirectory) {
        Map<String, String> values = filledSecretValues(manifests);
        for (String key : projectedSecretKeys(manifests)) {
            try {
                Files.writeString(secretsDirectory.resolve(key), values.get(key));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> moved = new HashMap<>();
        properties(manifests).forEach((name, value) -> moved.put(name, value.replace(SECRETS_MOUNT, secretsDirectory.toString())));
        return moved;
    }

    /** The pod that mounts this file: the StatefulSet's or the CronJob's. */
    PodSpec pod(RenderedManifests manifests) {
        return this == SERVICE ? manifests.statefulSet().getSpec().getTemplate().getSpec()
                : manifests.only(CronJob.class, AUDIT_VERIFY).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    }

    /** The keys of Secret consentgate that the pod's volume "secrets" projects, each to a file of the same name. */
    List<String> projectedSecretKeys(RenderedManifests manifests) {
        Volume secrets = pod(manifests).getVolumes().stream().filter(volume -> volume.getName().equals("secrets")).findFirst()
                .orElseThrow();
        if (!secrets.getSecret().getSecretName().equals("consentgate")) {
            throw new IllegalStateException("the secrets volume mounts " + secrets.getSecret().getSecretName());
        }
        for (KeyToPath item : secrets.getSecret().getItems()) {
            if (!item.getKey().equals(item.getPath())) {
                throw new IllegalStateException("Secret key " + item.getKey() + " projected to another file name, " + item.getPath());
            }
        }
        return secrets.getSecret().getItems().stream().map(KeyToPath::getKey).toList();
    }

    /** A key as `openssl rand -base64 48` makes one, in place of the template's placeholder, which the service refuses. */
    static final String FILLED_HMAC_KEY = "q3Vx0mJ8Zr1Nw5TfYb2Lk7Hs9Dp4Gc6Ea0Uo3Wi8Rn1Mt5Qy7Bv2Xz4Fj6Kh9Sd";

    /** A key-encryption key as `consentgate keys kek` makes one, in place of the template's placeholder. */
    static final String FILLED_KEK = KeysetKek.generate();

    /** The Secret as an operator fills it in: the template's values, with a real HMAC key and key-encryption key. */
    static Map<String, String> filledSecretValues(RenderedManifests manifests) {
        Map<String, String> values = secretValues(manifests);
        values.put("hmac-key", FILLED_HMAC_KEY);
        values.put("kek.json", FILLED_KEK);
        return values;
    }

    /** The Secret's keys, from stringData or (base64) data: what a pod finds as files under its mount. */
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
}
