//! The interactive documentation pages: Swagger UI at `/docs` and ReDoc at `/redoc`.
