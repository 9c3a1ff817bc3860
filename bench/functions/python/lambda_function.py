# Hello world for `npm run bench` (python3.12, handler lambda_function.lambda_handler).
def lambda_handler(event, context):
    return {"hello": (event or {}).get("name", "world")}
