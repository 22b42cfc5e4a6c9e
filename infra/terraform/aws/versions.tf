terraform {
  # 1.11: write-only attributes (the secret's value is never stored in the state) and
  # ephemeral variables; terraform test with mock_provider needs >= 1.7.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  region = var.aws_region

  # Refuses to run against any other account: a wrong profile fails before it changes anything.
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = merge(var.tags, {
      "app"         = "profile-functions"
      "environment" = var.environment
      "managed-by"  = "terraform"
    })
  }
}
