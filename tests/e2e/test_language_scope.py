"""Language scope at submission: the refused languages get 400 / INVALID_ARGUMENT naming the language
and leave no job row; code-mixed scenes are accepted as the Indic language."""

from __future__ import annotations

import grpc
import pytest
import sqlalchemy as sa

from drishya.generation.v1 import generation_service_pb2 as gen_svc
from drishya.generation.v1 import generation_service_pb2_grpc as gen_grpc
from services.cli.local import LocalMesh
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import details_of

pytestmark = pytest.mark.e2e

# One scene per refused language (the codes and names of services.language.languages.REFUSED_LANGUAGES).
REFUSED = [
    ("ne", "Nepali", "काठमाडौंमा आज बिहान बाक्लो कुहिरो लागेको थियो र धेरै उडानहरू ढिला भए।"),
    ("as", "Assamese", "গুৱাহাটীত আজি পুৱা প্ৰবল বৰষুণ হৈছিল, ল'ৰা-ছোৱালীবোৰে খেলিছিল।"),
    ("mai", "Maithili", "दरभंगा मे आइ भोरे बड़ जोर सँ बरखा भेल, धिया-पुता घर मे छल।"),
    ("sa", "Sanskrit", "ग्रामस्य बहिः एकः पुरातनः अश्वत्थवृक्षः अस्ति। तत्र खगाः कूजन्ति।"),
    ("kok", "Konkani", "गांवा भायर एक पोरणें झाड आसा. हांव थंय दर सकाळीं वता आनी म्हाका खूब बरें दिसता."),
    ("bho", "Bhojpuri", "गाँव के बाहर एगो पुरान पीपर के पेड़ बा, लइका सब ओहिजा खेलत बाड़े।"),
    ("ur", "Urdu", "گاؤں کے باہر ایک پرانا پیپل کا درخت ہے جہاں بچے کھیلتے ہیں۔"),
    ("sd", "Sindhi", "ڳوٺ کان ٻاهر هڪ پراڻو پپر جو وڻ آهي جتي ٻار کيڏن ٿا."),
    ("si", "Sinhala", "ගම එළියේ පරණ බෝ ගහක් තියෙනවා, ළමයි එතන සෙල්ලම් කරනවා."),
    ("ks", "Kashmiri", "سرینگرس منٛز چھُ اَز روٗد پیوان، شُری چھِ گرِ نیبر گِنان۔"),
]

CODE_MIXED = [
    ("hi", "एक girl park में football खेल रही है, evening time है।"),
    ("te", "నిన్న మా friends అందరం కలిసి movie కి వెళ్ళాం."),
    ("ta", "இன்னைக்கு office ல meeting ரொம்ப long ஆ போச்சு."),
    ("bn", "একটা girl park এ football খেলছে, বিকেল হয়ে গেছে।"),
    ("hi", "ek ladki baarish mein mandir ke saamne naach rahi hai"),
]


async def _job_rows(infra) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(infra.database_url, pool_size=1)
    async with engine.connect() as conn:
        n = (await conn.execute(sa.text("SELECT count(*) FROM generation.jobs"))).scalar_one()
    await engine.dispose()
    return int(n)


@pytest.mark.parametrize(("code", "name", "text"), REFUSED, ids=[c for c, _, _ in REFUSED])
async def test_refused_language_over_http(http, infra, code: str, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    before = await _job_rows(infra)
    r = await http.post("/v1/jobs", json={"text": text})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["reason"] == "UNSUPPORTED_LANGUAGE"
    assert problem["metadata"]["language_code"] == code
    assert problem["metadata"]["language_name"] == name
    assert name in problem["detail"]
    assert await _job_rows(infra) == before


@pytest.mark.parametrize(("code", "name", "text"), REFUSED, ids=[c for c, _, _ in REFUSED])
async def test_refused_language_over_grpc(mesh: LocalMesh, infra, code: str, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    before = await _job_rows(infra)
    gen = next(s for s in mesh.servers if s.name == "generation")
    async with channel(f"127.0.0.1:{gen.port}") as ch:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await gen_grpc.GenerationServiceStub(ch).CreateJob(
                gen_svc.CreateJobRequest(owner_id="scope-test", request_id=f"refused-{code}", text=text), timeout=30
            )
    d = details_of(err.value)
    assert (d.code, d.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "UNSUPPORTED_LANGUAGE")
    assert d.metadata["language_code"] == code
    assert d.metadata["language_name"] == name
    assert await _job_rows(infra) == before


@pytest.mark.parametrize(("code", "text"), CODE_MIXED, ids=[t[:12] for _, t in CODE_MIXED])
async def test_code_mixed_scene_is_accepted_as_the_indic_language(http, code: str, text: str) -> None:  # type: ignore[no-untyped-def]
    r = await http.post("/v1/jobs", json={"text": text})
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["language_code"] == code
    await http.post(f"/v1/jobs/{job['job_id']}:cancel")  # the pipeline itself is covered elsewhere
