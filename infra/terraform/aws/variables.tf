# --- Where

variable "aws_region" {
  description = "AWS region to deploy into, e.g. eu-west-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-west-1."
  }
}

variable "aws_account_id" {
  description = "The AWS account to deploy into (12 digits). The provider refuses any other account, and the IAM policies are scoped to it."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "environment" {
  description = "Environment name, part of every resource name (e.g. prod, staging, dev1): a lower-case letter, then lower-case letters or digits, 2 to 10 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 characters: a lower-case letter, then lower-case letters or digits."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; names are <name_prefix>-<environment>-<function>."
  type        = string
  default     = "profiles"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 2-12 characters: a lower-case letter, then lower-case letters, digits or '-', not ending with '-'."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# --- The code

variable "packaging" {
  description = <<-EOT
    How the functions are packaged, one choice for all of them:
    "jvm" - the JVM build (./mvnw package -pl src/lambda -am): managed runtime java21, handler
    com.example.profiles.lambda.ProfileLambdaHandler::handleRequest, SnapStart on published versions (see snapstart).
    "native" - the GraalVM native build (./mvnw package -pl src/lambda -am -Pnative): custom runtime provided.al2023, the zip's
    "bootstrap" at its root starts the executable.
  EOT
  type        = string
  default     = "jvm"

  validation {
    condition     = contains(["jvm", "native"], var.packaging)
    error_message = "packaging must be \"jvm\" or \"native\"."
  }
}

variable "snapstart" {
  description = "SnapStart on the published versions (packaging = \"jvm\" only: AWS offers SnapStart for managed Java runtimes, not for custom runtimes). Turn it off in a region without SnapStart."
  type        = bool
  default     = true

  validation {
    condition     = !var.snapstart || var.packaging == "jvm"
    error_message = "snapstart needs packaging = \"jvm\": AWS offers SnapStart only for its managed Java runtimes, not for the custom runtime (provided.al2023) the native executable runs on. Set snapstart = false."
  }
}

variable "artifact" {
  description = "The function.zip every function deploys (all functions share one artifact; QUARKUS_FUNQY_EXPORT picks the function). Defaults to src/lambda/target/function.zip, where both builds write it."
  type        = string
  default     = null
}

variable "artifact_bucket" {
  description = "An S3 bucket (in aws_region) to upload the artifact to and deploy from, instead of uploading it with each function: Lambda takes at most 50 MB zipped in a direct upload (the JVM function.zip is about 43 MB), up to 250 MB unzipped from S3. Null: direct upload."
  type        = string
  default     = null

  validation {
    condition     = var.artifact_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_bucket))
    error_message = "artifact_bucket must be an S3 bucket name."
  }
}

variable "artifacts" {
  description = "Per-function zip paths that override artifact, by function name."
  type        = map(string)
  default     = {}
}

variable "lambda_architecture" {
  description = "CPU architecture of the functions: x86_64 or arm64. With packaging = \"native\" it must be the one the executable was built for; the JVM build runs on either. The secrets extension layer must be the same architecture's."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "memory_mb_overrides" {
  description = "Memory per function name in MB, overriding settings.memoryMb of its descriptor (the JVM packaging may want more than a native executable)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.memory_mb_overrides) : v >= 128 && v <= 10240 && floor(v) == v])
    error_message = "memory_mb_overrides values must be whole numbers from 128 to 10240."
  }
}

variable "reserved_concurrency" {
  description = "Optional reserved concurrency per function name (e.g. { sweeper = 1 }); functions not named use the account's unreserved pool."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.reserved_concurrency) : v >= 0 && floor(v) == v])
    error_message = "reserved_concurrency values must be whole numbers >= 0."
  }
}

variable "log_retention_days" {
  description = "Retention of each function's CloudWatch log group, in days (one of the values CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "profile_reader_principals" {
  description = "IAM principals (role or account ARNs) allowed to call the profile function's URL (GET /profiles/{id}, IAM auth). Each gets lambda:InvokeFunctionUrl and lambda:InvokeFunction on the function's live alias in its resource policy; callers still sign their requests (SigV4, service lambda). Principals of this account may instead get the policy in the output profile_reader_policy_json."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.profile_reader_principals : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", p))])
    error_message = "profile_reader_principals must be IAM role, user or account root ARNs (no wildcards)."
  }
}

# --- Network

variable "vpc_id" {
  description = "VPC of the Lambdas and of Redis (the MSK cluster's VPC or one routed to it)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnets, in at least two availability zones, for the Lambdas and the Redis subnet group. They need a route to Secrets Manager (NAT or an interface endpoint)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must name at least two subnets (subnet-...)."
  }
}

# --- Kafka (Amazon MSK with IAM access control)

variable "msk_cluster_arn" {
  description = "ARN of the MSK cluster holding the functions' topics (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>). Topic and group ARNs for IAM are built from it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", var.msk_cluster_arn))
    error_message = "msk_cluster_arn must look like arn:aws:kafka:eu-west-1:123456789012:cluster/<name>/<uuid>."
  }
}

variable "msk_bootstrap_servers" {
  description = "The MSK cluster's bootstrap brokers for kafka_auth, comma-separated (IAM: port 9098, SASL/SCRAM: 9096, mTLS: 9094; 9198/9196/9194 with public access); given to the app as KAFKA_BOOTSTRAP_SERVERS (it publishes dead letters and the sweeper's refresh requests and alerts)."
  type        = string

  validation {
    condition     = can(regex("^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$", var.msk_bootstrap_servers))
    error_message = "msk_bootstrap_servers must be host:port, comma-separated for several."
  }
  validation {
    condition     = alltrue([for b in split(",", var.msk_bootstrap_servers) : contains({ iam = [9098, 9198], scram = [9096, 9196], mtls = [9094, 9194] }[var.kafka_auth], tonumber(regex(":([0-9]+)$", b)[0]))])
    error_message = "msk_bootstrap_servers: every broker must use the MSK port of kafka_auth (iam: 9098 or 9198, scram: 9096 or 9196, mtls: 9094 or 9194); a client with the wrong port's settings cannot authenticate."
  }
}

variable "msk_security_group_id" {
  description = "Security group of the MSK cluster. The Lambdas may reach it on the port of kafka_auth."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.msk_security_group_id))
    error_message = "msk_security_group_id must look like sg-0123456789abcdef0."
  }
}

variable "manage_msk_ingress" {
  description = "Add an ingress rule on the MSK security group for the Lambdas' security group (the port of kafka_auth). Set false when the MSK cluster's owners manage that group."
  type        = bool
  default     = true
}

variable "kafka_auth" {
  description = <<-EOT
    How the functions and their event source mappings authenticate to MSK:
    "iam" - IAM access control (SASL_SSL, AWS_MSK_IAM; the execution role's kafka-cluster permissions);
    "scram" - SASL/SCRAM-SHA-512 over TLS with the credentials in kafka_secret_arn (an AmazonMSK_ secret);
    "mtls" - TLS client certificate from kafka_secret_arn.
  EOT
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["iam", "scram", "mtls"], var.kafka_auth)
    error_message = "kafka_auth must be \"iam\", \"scram\" or \"mtls\"."
  }
}

variable "kafka_secret_arn" {
  description = <<-EOT
    Secrets Manager secret with the Kafka credentials, for kafka_auth "scram" (JSON {"username", "password"}; MSK
    requires the name to start with AmazonMSK_ and a customer managed KMS key) or "mtls" (JSON {"certificate",
    "privateKey"}: PEM certificate chain and unencrypted PKCS#8 key, the format Lambda's event source mapping reads).
    The function reads it at start through the secrets extension; the event source mapping reads it too.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.kafka_auth == "iam" ? var.kafka_secret_arn == null : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.kafka_secret_arn))
    error_message = "kafka_secret_arn: required (a Secrets Manager secret ARN) with kafka_auth \"scram\" or \"mtls\", and unused (null) with \"iam\"."
  }
  validation {
    condition     = var.kafka_auth != "scram" || can(regex(":secret:AmazonMSK_", var.kafka_secret_arn))
    error_message = "kafka_secret_arn: MSK accepts SASL/SCRAM secrets only when their name starts with AmazonMSK_."
  }
}

variable "kafka_secret_kms_key_arn" {
  description = "The customer managed KMS key encrypting kafka_secret_arn (required by MSK for SCRAM secrets); the execution roles may decrypt with it through Secrets Manager only."
  type        = string
  default     = null

  validation {
    condition     = var.kafka_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kafka_secret_kms_key_arn))
    error_message = "kafka_secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
  validation {
    condition     = var.kafka_auth != "scram" || var.kafka_secret_kms_key_arn != null
    error_message = "kafka_secret_kms_key_arn is required with kafka_auth = \"scram\": MSK SCRAM secrets are encrypted with a customer managed key, which the functions must be allowed to use."
  }
}

variable "kafka_starting_position" {
  description = "Where a new event source mapping starts reading: TRIM_HORIZON (the oldest record kept; needed to read a Debezium snapshot) or LATEST."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.kafka_starting_position)
    error_message = "kafka_starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "kafka_batch_size_overrides" {
  description = "Batch size per function name, overriding settings.kafkaBatchSize of its descriptor."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.kafka_batch_size_overrides) : v >= 1 && v <= 10000 && floor(v) == v])
    error_message = "Kafka batch sizes must be whole numbers from 1 to 10000."
  }
}

variable "kafka_maximum_retry_attempts" {
  description = "Retries of a failed batch (or, with ReportBatchItemFailures, of the failed records) before it goes to the on-failure destination; -1 retries until the record expires."
  type        = number
  default     = 5

  validation {
    condition     = var.kafka_maximum_retry_attempts >= -1 && var.kafka_maximum_retry_attempts <= 10000 && floor(var.kafka_maximum_retry_attempts) == var.kafka_maximum_retry_attempts
    error_message = "kafka_maximum_retry_attempts must be a whole number from -1 to 10000."
  }
}

variable "kafka_pollers" {
  description = "Provisioned-mode event pollers per event source mapping. Provisioned mode is what lets a Kafka mapping retry, split batches and take ReportBatchItemFailures; each poller is billed (event poller units)."
  type = object({
    minimum = number
    maximum = number
  })
  default = { minimum = 1, maximum = 3 }

  validation {
    condition     = var.kafka_pollers.minimum >= 1 && var.kafka_pollers.minimum <= 200 && var.kafka_pollers.maximum >= var.kafka_pollers.minimum && var.kafka_pollers.maximum <= 2000
    error_message = "kafka_pollers: 1 <= minimum <= 200 and minimum <= maximum <= 2000."
  }
}

variable "kafka_write_topics" {
  description = "Topics each function publishes to besides its own dead-letter topic (always allowed), by function name. The sweeper publishes refresh requests and freshness alerts (profiles.freshness.*-topic in application.properties)."
  type        = map(list(string))
  default = {
    sweeper = ["profiles.customer-refresh-requests.v1", "profiles.freshness-alerts.v1"]
  }
}

variable "failure_retention_days" {
  description = "Days the on-failure bucket keeps the records of batches the Kafka event source mappings gave up on."
  type        = number
  default     = 14

  validation {
    condition     = var.failure_retention_days >= 1 && floor(var.failure_retention_days) == var.failure_retention_days
    error_message = "failure_retention_days must be a whole number >= 1."
  }
}

# --- Schedules

variable "schedule_retry_attempts" {
  description = "EventBridge Scheduler retries of a tick the function failed to take (the next tick comes anyway)."
  type        = number
  default     = 2

  validation {
    condition     = var.schedule_retry_attempts >= 0 && var.schedule_retry_attempts <= 185 && floor(var.schedule_retry_attempts) == var.schedule_retry_attempts
    error_message = "schedule_retry_attempts must be a whole number from 0 to 185."
  }
}

variable "schedule_max_event_age_seconds" {
  description = "How long EventBridge Scheduler keeps retrying one tick, in seconds (60 to 86400)."
  type        = number
  default     = 120

  validation {
    condition     = var.schedule_max_event_age_seconds >= 60 && var.schedule_max_event_age_seconds <= 86400
    error_message = "schedule_max_event_age_seconds must be from 60 to 86400."
  }
}

# --- Redis (ElastiCache)

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"

  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "redis_node_type must be an ElastiCache node type (cache.*)."
  }
}

variable "redis_engine_version" {
  description = "Redis engine version (major.minor), e.g. 7.1."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be major.minor, e.g. 7.1."
  }
}

variable "redis_cluster_mode" {
  description = "Cluster mode enabled (shards). The app supports it: its keys are hash-tagged per user, and it is given QUARKUS_REDIS_CLIENT_TYPE=cluster."
  type        = bool
  default     = true
}

variable "redis_shards" {
  description = "Shards (node groups) in cluster mode; 1 without it."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_shards >= 1 && var.redis_shards <= 500 && floor(var.redis_shards) == var.redis_shards
    error_message = "redis_shards must be a whole number from 1 to 500."
  }
}

variable "redis_replicas_per_shard" {
  description = "Replicas per shard (0 to 5). At least 1 gives automatic failover across availability zones."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_replicas_per_shard >= 0 && var.redis_replicas_per_shard <= 5 && floor(var.redis_replicas_per_shard) == var.redis_replicas_per_shard
    error_message = "redis_replicas_per_shard must be a whole number from 0 to 5."
  }
}

variable "redis_snapshot_retention_days" {
  description = "Days of automatic Redis snapshots (0 turns them off)."
  type        = number
  default     = 1
}

variable "redis_auth_token" {
  description = "Redis AUTH token (16-128 printable ASCII characters, none of space, \", / or @). Pass it as TF_VAR_redis_auth_token, never in a file. It ends up in the state (ElastiCache takes it as a plain attribute): keep the state encrypted."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128 && can(regex("^[!#-.0-?A-~]+$", var.redis_auth_token))
    error_message = "redis_auth_token must be 16-128 printable ASCII characters without space, \", / or @."
  }
}

variable "profile_hash_key" {
  description = "HMAC key of the customer function's hashed personal columns (PROFILE_HASH_KEY), at least 32 characters. Pass it as TF_VAR_profile_hash_key. Ephemeral: it is written to Secrets Manager through a write-only attribute and never stored in the state."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = length(var.profile_hash_key) >= 32
    error_message = "profile_hash_key must be at least 32 characters."
  }
}

variable "secret_version" {
  description = "Version of the secret's value. The value is write-only (not in the state), so Terraform cannot see it change: raise this number to write new redis_auth_token / profile_hash_key values."
  type        = number
  default     = 1

  validation {
    condition     = var.secret_version >= 1 && floor(var.secret_version) == var.secret_version
    error_message = "secret_version must be a whole number >= 1."
  }
}

# --- Alarms

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or clears (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "freshness_metric" {
  description = "The freshness metric the Lambda binding publishes in CloudWatch embedded metric format: its namespace, name and the dimension naming the source (the event function)."
  type = object({
    namespace = string
    name      = string
    dimension = string
  })
  default = {
    namespace = "ProfileFunctions"
    name      = "profile_freshness_lag_p99_ms"
    dimension = "source"
  }
}

variable "secrets_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer for the region and architecture (AWS publishes one per region and architecture, the arm64 one named ...-Arm64: look it up in the AWS documentation, AWS Parameters and Secrets Lambda Extension ARNs); the functions read their secrets through it at start."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.secrets_extension_layer_arn))
    error_message = "secrets_extension_layer_arn must be a versioned Lambda layer ARN."
  }
  validation {
    # A layer of the other architecture loads, but its extension binary cannot run: the secret read
    # at start fails, and so does every function.
    condition     = can(regex("(?i)arm64", split(":", var.secrets_extension_layer_arn)[6])) == (var.lambda_architecture == "arm64")
    error_message = "secrets_extension_layer_arn is the extension layer of the other architecture than lambda_architecture (the arm64 layer's name ends with -Arm64): the extension could not run and every function would fail to start."
  }
  validation {
    condition     = split(":", var.secrets_extension_layer_arn)[3] == var.aws_region
    error_message = "secrets_extension_layer_arn is a layer of another region than aws_region; Lambda takes layers of the function's region only."
  }
}
