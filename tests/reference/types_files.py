"""FastAPI's "Request Files" tutorial (single files, optional files, descriptions, multiple
files): the FastAPI side of tests/tests/types_files.rs."""

from typing import Annotated, Optional

from fastapi import FastAPI, File, Form, UploadFile

app = FastAPI()


@app.post("/files/")
async def create_file(file: Annotated[bytes, File(description="A file read as bytes")]):
    return {"file_size": len(file)}


@app.post("/uploadfile/")
async def create_upload_file(
    file: Annotated[UploadFile, File(description="A file read as UploadFile")],
):
    return {"filename": file.filename, "content_type": file.content_type}


@app.post("/optional-file/")
async def create_optional_file(file: Annotated[Optional[bytes], File()] = None):
    if not file:
        return {"message": "No file sent"}
    return {"file_size": len(file)}


@app.post("/optional-uploadfile/")
async def create_optional_upload_file(file: Optional[UploadFile] = None):
    if not file:
        return {"message": "No upload file sent"}
    return {"filename": file.filename}


@app.post("/multiple-files/")
async def create_files(files: Annotated[list[bytes], File()]):
    return {"file_sizes": [len(file) for file in files]}


@app.post("/multiple-uploadfiles/")
async def create_upload_files(files: list[UploadFile]):
    return {"filenames": [file.filename for file in files]}


@app.post("/optional-uploadfiles/")
async def create_optional_upload_files(files: Optional[list[UploadFile]] = None):
    if files is None:
        return {"filenames": None}
    return {"filenames": [file.filename for file in files]}


@app.post("/files-and-form/")
async def create_file_and_form(
    files: Annotated[list[bytes], File(description="Multiple files as bytes")],
    token: Annotated[str, Form()],
):
    return {"file_sizes": [len(f) for f in files], "token": token}


@app.post("/described-uploadfiles/")
async def create_described_upload_files(
    files: Annotated[
        list[UploadFile], File(description="Multiple files as UploadFile")
    ],
):
    return {"filenames": [file.filename for file in files]}


@app.post("/described-optional-uploadfile/")
async def create_described_optional_upload_file(
    file: Annotated[Optional[UploadFile], File(description="An optional file")] = None,
):
    if not file:
        return {"message": "No upload file sent"}
    return {"filename": file.filename, "content_type": file.content_type}


@app.post("/described-optional-file/")
async def create_described_optional_file(
    file: Annotated[Optional[bytes], File(description="An optional file as bytes")] = None,
):
    if not file:
        return {"message": "No file sent"}
    return {"file_size": len(file)}
