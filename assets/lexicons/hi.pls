<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Hindi facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code: Kajal speaking hi-IN) and by espeak-ng (the aliases substituted into the
     text). Aliases only: both engines must read a word the same way. The deck keeps English words
     and acronyms in Latin script, as Alexa's Hindi guidelines ask; espeak-ng's hi voice reads
     English words in English but spells acronyms out with English letter names, so every acronym
     (and x86, X-Ray, "functions as a service") has a Devanagari reading here. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="hi">
  <lexeme><grapheme>.NET</grapheme><alias>डॉट नेट</alias></lexeme>
  <lexeme><grapheme>API</grapheme><alias>ए पी आई</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>ए डब्ल्यू एस</alias></lexeme>
  <lexeme><grapheme>CPU</grapheme><alias>सी पी यू</alias></lexeme>
  <lexeme><grapheme>DynamoDB</grapheme><alias>डायनेमो डी बी</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>ई सी टू</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>ई सी आर</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>ई सी एस</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>ई के एस</alias></lexeme>
  <lexeme><grapheme>functions as a service</grapheme><alias>फ़ंक्शंस ऐज़ अ सर्विस</alias></lexeme>
  <lexeme><grapheme>HTTPS</grapheme><alias>एच टी टी पी एस</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>जेसन</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>माय एस क्यू एल</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>नोड जे एस</alias></lexeme>
  <lexeme><grapheme>OS</grapheme><alias>ओ एस</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>पोस्टग्रेस क्यू एल</alias></lexeme>
  <lexeme><grapheme>RDS</grapheme><alias>आर डी एस</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>री इन्वेंट</alias></lexeme>
  <lexeme><grapheme>S3</grapheme><alias>एस थ्री</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>सैम</alias></lexeme>
  <lexeme><grapheme>SDK</grapheme><alias>एस डी के</alias></lexeme>
  <lexeme><grapheme>SNS</grapheme><alias>एस एन एस</alias></lexeme>
  <lexeme><grapheme>SQL</grapheme><alias>एस क्यू एल</alias></lexeme>
  <lexeme><grapheme>SQS</grapheme><alias>एस क्यू एस</alias></lexeme>
  <lexeme><grapheme>URLs</grapheme><alias>यू आर एल्स</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>एक्स एटी सिक्स</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>एक्स रे</alias></lexeme>
</lexicon>
