# Where the Kafka event source mappings record the batches they gave up on (after the retries):
# private, encrypted, expiring after var.failure_retention_days.

locals {
  failure_bucket     = "${local.prefix}-failures-${local.account}-${local.region}"
  failure_bucket_arn = "arn:${local.partition}:s3:::${local.failure_bucket}"
}

resource "aws_s3_bucket" "failures" {
  bucket = local.failure_bucket
}

resource "aws_s3_bucket_public_access_block" "failures" {
  bucket                  = aws_s3_bucket.failures.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "failures" {
  bucket = aws_s3_bucket.failures.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "failures" {
  bucket = aws_s3_bucket.failures.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "failures" {
  bucket = aws_s3_bucket.failures.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.failure_retention_days
    }
  }
}
