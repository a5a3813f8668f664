//! Prints the CloudNativePG Cluster CustomResourceDefinition as JSON.
use kube::CustomResourceExt;

fn main() {
    let crd = k8s_crds_cloud_native_pg::Cluster::crd();
    println!("{}", serde_json::to_string(&crd).expect("CRD serialises"));
}
