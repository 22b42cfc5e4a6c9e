# An example of the inputs. Copy it (e.g. to prod.tfvars), put your values in, and pass the two
# secrets as environment variables, never in a file:
#   export TF_VAR_redis_auth_token=...   # 16-128 printable characters, none of space " / @
#   export TF_VAR_profile_hash_key=...   # at least 32 characters
# The checks in src/test/java/com/example/profiles/deploy/TerraformChecksTest.java plan this file.

aws_region     = "eu-west-1"
aws_account_id = "123456789012"
environment    = "staging"

# "jvm" (java21, SnapStart) deploys the build of `./mvnw package -pl src/lambda -am`; "native"
# (provided.al2023) the one with -Pnative added. Both write src/lambda/target/function.zip,
# which every function deploys (artifact defaults to it).
packaging           = "jvm"
lambda_architecture = "x86_64"

# The AWS Parameters and Secrets Lambda Extension layer of your region and of lambda_architecture
# (the arm64 one is named ...-Arm64; AWS publishes the ARNs; the account below is a placeholder).
secrets_extension_layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"

vpc_id     = "vpc-0123456789abcdef0"
subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba987654321f"]

msk_cluster_arn       = "arn:aws:kafka:eu-west-1:123456789012:cluster/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2"
msk_bootstrap_servers = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9098,b-2.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"
msk_security_group_id = "sg-0123456789abcdef0"
# IAM access control (port 9098). For SASL/SCRAM: kafka_auth = "scram", the 9096 brokers,
# kafka_secret_arn (an AmazonMSK_ secret) and kafka_secret_kms_key_arn; for mTLS: "mtls", the 9094
# brokers and kafka_secret_arn ({"certificate", "privateKey"}).
kafka_auth = "iam"

redis_node_type          = "cache.t4g.small"
redis_cluster_mode       = true
redis_shards             = 1
redis_replicas_per_shard = 1

log_retention_days = 30
alarm_actions      = ["arn:aws:sns:eu-west-1:123456789012:profile-functions-alarms"]

# Optional: cap a function's concurrency, e.g. one sweep at a time.
reserved_concurrency = {
  sweeper = 1
}
