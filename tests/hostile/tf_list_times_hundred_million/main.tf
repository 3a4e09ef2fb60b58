# [1] * 100000000 (list repetition, not Terraform) and [1, 2] + [3]
locals { a = [1,2] + [3] 
 b = [1] * 100000000 }
resource "aws_vpc" "v" { cidr_block = local.b }
