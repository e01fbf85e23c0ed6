package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

class StrictSerializationTest {

    private final StrictKubernetesSerialization serialization = new StrictKubernetesSerialization();

    @Test
    void aKnownObjectLoadsIntoItsTypedModel() {
        var objects = serialization.objects("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                data:
                  k: v
                """);

        assertThat(objects).singleElement().isInstanceOf(ConfigMap.class);
        assertThat(((ConfigMap) objects.get(0)).getData()).containsExactly(java.util.Map.entry("k", "v"));
    }

    @Test
    void aMisspeltFieldFailsInsteadOfLandingInAdditionalProperties() {
        assertThatThrownBy(() -> serialization.objects("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: a
                spec:
                  template:
                    spec:
                      containers:
                        - name: c
                          readinesProbe:
                            httpGet: { path: /health/ready, port: 8080 }
                """)).hasMessageContaining("readinesProbe");
    }
}
