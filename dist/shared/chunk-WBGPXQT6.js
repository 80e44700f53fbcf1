import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  KubeConfig
} from "./chunk-5FQMJUXF.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/kubevirt/cluster/kube-target.ts
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
var SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
function loadFile(file, what) {
  const kc = new KubeConfig();
  if (!existsSync(file)) throw new UserError(`${what} ${file} does not exist`);
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new UserError(`${what} ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return kc;
}
function loadConfig(req) {
  if (req.kubeconfig) return { kc: loadFile(path.resolve(req.kubeconfig), "the kubeconfig"), source: `kubeconfig ${req.kubeconfig}`, inCluster: false };
  const fromEnv = (req.env.KUBECONFIG ?? "").split(path.delimiter).filter(Boolean);
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((f) => existsSync(f));
    if (present.length === 0) throw new UserError(`none of the KUBECONFIG files exists: ${fromEnv.join(", ")}`);
    const kc = loadFile(present[0], "the KUBECONFIG file");
    for (const file of present.slice(1)) kc.mergeConfig(loadFile(file, "the KUBECONFIG file"), true);
    return { kc, source: `KUBECONFIG ${present.join(path.delimiter)}`, inCluster: false };
  }
  const home = req.env.HOME;
  if (home && existsSync(path.join(home, ".kube", "config"))) {
    const file = path.join(home, ".kube", "config");
    return { kc: loadFile(file, "the kubeconfig"), source: `kubeconfig ${file}`, inCluster: false };
  }
  const saDir = req.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (req.env.KUBERNETES_SERVICE_HOST && existsSync(path.join(saDir, "token"))) {
    const kc = new KubeConfig();
    const host = req.env.KUBERNETES_SERVICE_HOST;
    const port = req.env.KUBERNETES_SERVICE_PORT ?? "443";
    kc.loadFromClusterAndUser(
      { name: "in-cluster", server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`, caFile: path.join(saDir, "ca.crt"), skipTLSVerify: false },
      { name: "in-cluster", authProvider: { name: "tokenFile", config: { tokenFile: path.join(saDir, "token") } } }
    );
    return { kc, source: "in-cluster service account", inCluster: true };
  }
  throw new UserError("no Kubernetes cluster configured: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run inside a cluster");
}
function loadKubeTarget(req) {
  const { kc, source, inCluster } = loadConfig(req);
  if (req.context) {
    if (!kc.getContextObject(req.context))
      throw new UserError(
        `${source} has no context '${req.context}' (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`
      );
    kc.setCurrentContext(req.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new UserError(`${source} has no current context with a cluster (set current-context, or pass a context)`);
  try {
    new URL(cluster.server);
  } catch {
    throw new UserError(`${source}: cluster '${cluster.name}' has no valid server URL ('${cluster.server}')`);
  }
  let namespace = req.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace;
  if (!namespace && inCluster) {
    const file = path.join(req.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, "namespace");
    if (existsSync(file)) namespace = readFileSync(file, "utf8").trim();
  }
  return { kc, namespace: namespace || "default", source };
}

export {
  loadKubeTarget
};
