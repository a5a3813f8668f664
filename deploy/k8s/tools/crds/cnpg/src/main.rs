//! Prints the CloudNativePG CustomResourceDefinitions the manifests use, one JSON
//! document per line: Cluster, Backup, ScheduledBackup and Pooler.
use kube::CustomResourceExt;

fn main() {
    let crds = [
        k8s_crds_cloud_native_pg::clusters::Cluster::crd(),
        k8s_crds_cloud_native_pg::backups::Backup::crd(),
        k8s_crds_cloud_native_pg::scheduledbackups::ScheduledBackup::crd(),
        k8s_crds_cloud_native_pg::poolers::Pooler::crd(),
    ];
    for crd in crds {
        println!("{}", serde_json::to_string(&crd).expect("CRD serialises"));
    }
}
