<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Japanese facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way; espeak-ng reads only kana, so every
     Latin-script word has a katakana reading. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="ja">
  <lexeme><grapheme>.NET</grapheme><alias>ドットネット</alias></lexeme>
  <lexeme><grapheme>Alexa</grapheme><alias>アレクサ</alias></lexeme>
  <lexeme><grapheme>Amazon</grapheme><alias>アマゾン</alias></lexeme>
  <lexeme><grapheme>API Gateway</grapheme><alias>エーピーアイゲートウェイ</alias></lexeme>
  <lexeme><grapheme>Arm</grapheme><alias>アーム</alias></lexeme>
  <lexeme><grapheme>Aurora</grapheme><alias>オーロラ</alias></lexeme>
  <lexeme><grapheme>Auto Scaling</grapheme><alias>オートスケーリング</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>エーダブリューエス</alias></lexeme>
  <lexeme><grapheme>Batch</grapheme><alias>バッチ</alias></lexeme>
  <lexeme><grapheme>CloudFormation</grapheme><alias>クラウドフォーメーション</alias></lexeme>
  <lexeme><grapheme>CPU</grapheme><alias>シーピーユー</alias></lexeme>
  <lexeme><grapheme>DynamoDB</grapheme><alias>ダイナモディービー</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>イーシーツー</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>イーシーアール</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>イーシーエス</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>イーケーエス</alias></lexeme>
  <lexeme><grapheme>FaaS</grapheme><alias>ファース</alias></lexeme>
  <lexeme><grapheme>Fargate</grapheme><alias>ファーゲート</alias></lexeme>
  <lexeme><grapheme>Go</grapheme><alias>ゴー</alias></lexeme>
  <lexeme><grapheme>Graviton</grapheme><alias>グラビトン</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>ガイデッド</alias></lexeme>
  <lexeme><grapheme>HTTPS</grapheme><alias>エイチティーティーピーエス</alias></lexeme>
  <lexeme><grapheme>Java</grapheme><alias>ジャバ</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>ジェイソン</alias></lexeme>
  <lexeme><grapheme>Lambda</grapheme><alias>ラムダ</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>マイエスキューエル</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>ノードジェイエス</alias></lexeme>
  <lexeme><grapheme>OS</grapheme><alias>オーエス</alias></lexeme>
  <lexeme><grapheme>Polly</grapheme><alias>ポリー</alias></lexeme>
  <lexeme><grapheme>Python</grapheme><alias>パイソン</alias></lexeme>
  <lexeme><grapheme>RDS</grapheme><alias>アールディーエス</alias></lexeme>
  <lexeme><grapheme>RDS for PostgreSQL</grapheme><alias>アールディーエスフォーポストグレスキューエル</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>リインベント</alias></lexeme>
  <lexeme><grapheme>Ruby</grapheme><alias>ルビー</alias></lexeme>
  <lexeme><grapheme>Rust</grapheme><alias>ラスト</alias></lexeme>
  <lexeme><grapheme>S3</grapheme><alias>エススリー</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>サム</alias></lexeme>
  <lexeme><grapheme>sam build</grapheme><alias>サムビルド</alias></lexeme>
  <lexeme><grapheme>sam deploy</grapheme><alias>サムデプロイ</alias></lexeme>
  <lexeme><grapheme>SDK</grapheme><alias>エスディーケー</alias></lexeme>
  <lexeme><grapheme>Serverless</grapheme><alias>サーバーレス</alias></lexeme>
  <lexeme><grapheme>Serverless Application Model</grapheme><alias>サーバーレスアプリケーションモデル</alias></lexeme>
  <lexeme><grapheme>SNS</grapheme><alias>エスエヌエス</alias></lexeme>
  <lexeme><grapheme>SQL</grapheme><alias>エスキューエル</alias></lexeme>
  <lexeme><grapheme>SQS</grapheme><alias>エスキューエス</alias></lexeme>
  <lexeme><grapheme>Step Functions</grapheme><alias>ステップファンクションズ</alias></lexeme>
  <lexeme><grapheme>URL</grapheme><alias>ユーアールエル</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>エックスレイ</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>エックスハチロク</alias></lexeme>
  <lexeme><grapheme>zip</grapheme><alias>ジップ</alias></lexeme>
</lexicon>
