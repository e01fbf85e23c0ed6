package dev.consentgate.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.List;

/** The objects kustomize renders from a directory, loaded strictly into fabric8's typed models. */
record RenderedManifests(List<HasMetadata> objects) {

    static RenderedManifests of(Path kustomization) {
        return new RenderedManifests(new StrictKubernetesSerialization().objects(Kustomize.render(kustomization)));
    }

    <T extends HasMetadata> T only(Class<T> kind, String name) {
        return objects.stream().filter(kind::isInstance).map(kind::cast)
                .filter(object -> object.getMetadata().getName().equals(name))
                .reduce((a, b) -> {
                    throw new IllegalStateException("two " + kind.getSimpleName() + " named " + name);
                })
                .orElseThrow(() -> new IllegalStateException("no " + kind.getSimpleName() + " named " + name));
    }

    StatefulSet statefulSet() {
        return only(StatefulSet.class, "consentgate");
    }

    ConfigMap configMap(String name) {
        return only(ConfigMap.class, name);
    }

    Secret secret(String name) {
        return only(Secret.class, name);
    }
}
